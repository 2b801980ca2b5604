#!/usr/bin/env bash
# Agent footprint: idle RSS and CPU per cycle of `bootfleet agent` on an in-sync host, with the bootc
# SIMULATOR as its bootc (status only: the simulated host is written directly, no registry needed) and a
# local fleet repository. Records what docs/benchmarks.md reports.
#
#   bench/agent-bench.sh [--cycles N] [--interval S] [--opts "JVM options"]
#
# Needs the built jar (./mvnw -q -DskipTests package), git, and a JDK 21+ (JAVA_HOME or PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cycles=12
interval=10
opts="${BOOTFLEET_JAVA_OPTS:-}"
while (($#)); do
  case "$1" in
    --cycles) cycles="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --opts) opts="$2"; shift 2 ;;
    *) echo "usage: $0 [--cycles N] [--interval S] [--opts \"JVM options\"]" >&2; exit 2 ;;
  esac
done
command -v git >/dev/null || { echo "agent-bench: needs git (apt-get install git)" >&2; exit 1; }

work="$(mktemp -d)"
agent_pid=""
cleanup() { [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

digest="sha256:$(printf 'bench' | sha256sum | cut -d' ' -f1)"
ref="registry.example/fleet/web-os@$digest"
mkdir -p "$work/fleet/hosts" "$work/sim" "$work/root/etc"
cat >"$work/fleet/hosts/web-01.yaml" <<YAML
apiVersion: bootfleet.dev/v1alpha1
kind: Host
metadata: {name: web-01}
spec:
  image: {ref: "$ref"}
  etc:
    - {path: /etc/motd, content: "bench\n"}
    - {path: /etc/chrony.conf, content: "pool 2.debian.pool.ntp.org iburst\n"}
YAML
git -C "$work/fleet" init -q -b main && git -C "$work/fleet" add -A \
  && git -C "$work/fleet" -c user.name=b -c user.email=b@b commit -qm fleet
# The simulated host booted the desired image (what `bootc-sim init` would write after a pull).
cat >"$work/sim/sim.json" <<JSON
{"kind":"BootcSimulatorState","arch":"amd64","bootId":"bench-boot","reboots":0,"staged":null,"rollback":null,
 "rollbackQueued":false,"faults":{},"booted":{"image":"$ref","transport":"registry","signature":null,
 "imageDigest":"$digest","architecture":"amd64","version":"1","timestamp":null,
 "checksum":"$(printf 'c' | sha256sum | cut -d' ' -f1)","deploySerial":0,"downloadOnly":false}}
JSON
echo bench-boot >"$work/sim/boot_id"
cat >"$work/agent.yaml" <<YAML
host: web-01
fleet: {url: "$work/fleet", branch: main}
interval: $interval
stateDir: $work/state
root: $work/root
bootc: [$here/bin/bootc-sim, --state-dir, $work/sim]
bootIdFile: $work/sim/boot_id
YAML

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # this process only, not its bootc children
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

BOOTFLEET_JAVA_OPTS="$opts" "$here/bin/bootfleet" agent --config "$work/agent.yaml" >"$work/log" 2>&1 &
agent_pid=$!
wait_cycles() { # waits until the log shows $1 finished cycles
  until (( $(grep -c 'bootfleet-agent: in-sync\|bootfleet-agent: drifted\|bootfleet-agent: unknown' "$work/log") >= $1 )); do
    kill -0 "$agent_pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.2
  done
}
wait_cycles 2                      # start-up and the first (writing) cycle are not "idle"
c0=$(cpu "$agent_pid"); t0=$(date +%s.%N)
wait_cycles $((2 + cycles))
c1=$(cpu "$agent_pid"); t1=$(date +%s.%N)
sleep $((interval / 2))            # between cycles: the idle footprint
idle_rss=$(rss "$agent_pid"); grep -E "RssAnon|RssFile|Threads" "/proc/$agent_pid/status" >&2; [[ -n "${NMT:-}" ]] && "$JAVA_HOME/bin/jcmd" "$agent_pid" VM.native_memory summary >&2 || true
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$agent_pid/status")
c2=$(cpu "$agent_pid"); [[ -n "${HISTO:-}" ]] && "$JAVA_HOME/bin/jcmd" "$agent_pid" GC.heap_info >&2; [[ -n "${HISTO:-}" ]] && "$JAVA_HOME/bin/jcmd" "$agent_pid" GC.class_histogram | head -14 >&2; [[ -n "${PMAP:-}" ]] && pmap -x "$agent_pid" | sort -k3 -n -r | head -25 >&2
sleep 3
c3=$(cpu "$agent_pid")
awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v n="$cycles" -v tk="$ticks" -v iv="$interval" \
    -v rss="$idle_rss" -v hwm="$hwm" -v i0="$c2" -v i1="$c3" 'BEGIN {
  per = (c1 - c0) / tk / n
  printf "cycles measured:        %d (every %d s)\n", n, iv
  printf "CPU per cycle:          %.3f s\n", per
  printf "CPU between cycles:     %.3f s over 3 s\n", (i1 - i0) / tk
  printf "average CPU at 300 s:   %.3f %% of a core\n", per / 300 * 100
  printf "idle RSS:               %.1f MiB (peak %.1f MiB)\n", rss / 1024, hwm / 1024
  printf "wall per window:        %.1f s\n", t1 - t0
}'
grep -c 'bootfleet-agent: error' "$work/log" | xargs -I{} echo "errors in log: {}"
