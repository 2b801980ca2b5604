#!/usr/bin/env bash
# Agent footprint: cycle time, CPU per cycle and idle RSS of `bootfleet agent` on an in-sync host, with a
# local fleet repository and, as its bootc, either the bootc SIMULATOR (status only: the simulated host
# is written directly, no registry needed) or a STUB. Records what docs/benchmarks.md reports.
#
#   bench/agent-bench.sh [--cycles N] [--interval S] [--opts "JVM options"] [--flatpaks N] [--status sim|stub]
#
# --flatpaks N  the host also has N Flatpak apps: they are built into a file:// Flatpak repository with
#               real flatpak (the test fixture dev.bootfleet.testing.FlatpakRepo, through
#               AgentFlatpakBenchSetup), installed into a temporary USER installation, and declared with
#               their remote in the host's manifest, so the host is in sync and every cycle observes N apps.
#               The agent runs flatpak through /usr/bin/env with the fixture's FLATPAK_USER_DIR,
#               FLATPAK_SYSTEM_DIR, HOME and XDG_* variables: the machine's own installations are not touched.
# --status stub replaces bin/bootc-sim by a STUB: a two-line shell script that `cat`s the status document
#               the simulator printed for this host once, whatever it is asked. It is not bootc and not the
#               simulator; it is there so that the simulator's own JVM start (~0.3 s of wall and more of CPU
#               per `bootc status`) does not hide the agent's cost. Default: --status sim.
#
# Reported: the cycle's own duration (durationMs of <host>.agent.json, also on the agent's log line at the
# end of each cycle: median, min-max), CPU per cycle of the agent process alone (/proc/<pid>/stat utime +
# stime) and with the children it waited for (+ cutime + cstime: bootc or the stub, flatpak), idle RSS.
#
# Needs the built jar and test classes (./mvnw -o -q -B -DskipTests package), git, a JDK 21+ (JAVA_HOME or
# PATH), and for --flatpaks flatpak (apt-get install flatpak). Everything lives in a temporary folder that
# is removed at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cycles=12
interval=10
flatpaks=0
status=sim
opts="${BOOTFLEET_JAVA_OPTS:-}"
usage="usage: $0 [--cycles N] [--interval S] [--opts \"JVM options\"] [--flatpaks N] [--status sim|stub]"
while (($#)); do
  case "$1" in
    --cycles) cycles="$2"; shift 2 ;;
    --interval) interval="$2"; shift 2 ;;
    --opts) opts="$2"; shift 2 ;;
    --flatpaks) flatpaks="$2"; shift 2 ;;
    --status) status="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[[ "$status" == sim || "$status" == stub ]] || { echo "$usage" >&2; exit 2; }
[[ "$flatpaks" =~ ^[0-9]+$ && "$cycles" =~ ^[1-9][0-9]*$ && "$interval" =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
((interval >= 10)) || { echo "agent-bench: --interval: the agent takes 10 s or more" >&2; exit 2; }
command -v git >/dev/null || { echo "agent-bench: needs git (apt-get install git)" >&2; exit 1; }
jar="$here/reconciler/target/bootfleet.jar"
tests="$here/reconciler/target/test-classes"
if ((flatpaks > 0)); then
  command -v flatpak >/dev/null || { echo "agent-bench: --flatpaks needs flatpak (apt-get install flatpak)" >&2; exit 1; }
  if [[ ! -f "$jar" || ! -f "$tests/dev/bootfleet/app/agent/AgentFlatpakBenchSetup.class" ]]; then
    echo "agent-bench: build first: ./mvnw -o -q -B -DskipTests package" >&2
    exit 1
  fi
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

work="$(mktemp -d)"
agent_pid=""
cleanup() {
  if [[ -n "$agent_pid" ]]; then kill "$agent_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
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
reports="$work/state/reports"
bootc="$here/bin/bootc-sim, --state-dir, $work/sim"
if [[ "$status" == stub ]]; then
  # The STUB: the document the simulator prints for this host, printed by cat whatever bootc is asked.
  "$here/bin/bootc-sim" --state-dir "$work/sim" status --format=json --format-version=1 >"$work/status.json"
  printf '#!/bin/sh\n# A STUB for bench/agent-bench.sh, not bootc and not the simulator: the status the simulator printed.\nexec cat %s\n' \
    "$work/status.json" >"$work/bootc-stub"
  chmod +x "$work/bootc-stub"
  bootc="$work/bootc-stub"
fi
cat >"$work/agent.yaml" <<YAML
host: web-01
fleet: {url: "$work/fleet", branch: main}
interval: $interval
stateDir: $work/state
root: $work/root
bootc: [$bootc]
bootIdFile: $work/sim/boot_id
YAML
if ((flatpaks > 0)); then
  # Apps built and installed with real flatpak into $work (java.io.tmpdir), then declared in Git.
  "$java" -Djava.io.tmpdir="$work" -cp "$jar:$tests" dev.bootfleet.app.agent.AgentFlatpakBenchSetup \
    "$flatpaks" "$work/flatpak" >&2
  cat "$work/flatpak/flatpak-spec.yaml" >>"$work/fleet/hosts/web-01.yaml"
  cat "$work/flatpak/flatpak-agent.yaml" >>"$work/agent.yaml"
  git -C "$work/fleet" add -A && git -C "$work/fleet" -c user.name=b -c user.email=b@b commit -qm flatpaks
fi

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }                # the agent process only
cpu_all() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; } # + the children it waited for
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; } # every CPU, every process
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
done_re='^bootfleet-agent: [a-z-]*: .* \(cycle [0-9]+ ms\)$'   # the line that ends a cycle

what="the simulator (bin/bootc-sim)"; [[ "$status" == stub ]] && what="a stub (cat of the simulator's status)"
echo "agent-bench: $(nproc) CPUs, bootc status from $what, $flatpaks Flatpak apps," \
  "$cycles cycles every $interval s${opts:+, JVM options: $opts}; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
BOOTFLEET_JAVA_OPTS="$opts" "$here/bin/bootfleet" agent --config "$work/agent.yaml" >"$work/log" 2>&1 &
agent_pid=$!
wait_cycles() { # waits until the log shows $1 finished cycles
  until (( $(grep -cE "$done_re" "$work/log") >= $1 )); do
    kill -0 "$agent_pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.2
  done
}
wait_cycles 2                      # start-up and the first (writing) cycle are not "idle"
c0=$(cpu "$agent_pid"); a0=$(cpu_all "$agent_pid"); b0=$(busy); t0=$(date +%s.%N)
wait_cycles $((2 + cycles))
c1=$(cpu "$agent_pid"); a1=$(cpu_all "$agent_pid"); b1=$(busy); t1=$(date +%s.%N)
sleep $((interval / 2))            # between cycles: the idle footprint
idle_rss=$(rss "$agent_pid"); grep -E "RssAnon|RssFile|Threads" "/proc/$agent_pid/status" >&2; [[ -n "${NMT:-}" ]] && "$JAVA_HOME/bin/jcmd" "$agent_pid" VM.native_memory summary >&2 || true
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$agent_pid/status")
c2=$(cpu "$agent_pid"); [[ -n "${HISTO:-}" ]] && "$JAVA_HOME/bin/jcmd" "$agent_pid" GC.heap_info >&2; [[ -n "${HISTO:-}" ]] && "$JAVA_HOME/bin/jcmd" "$agent_pid" GC.class_histogram | head -14 >&2; [[ -n "${PMAP:-}" ]] && pmap -x "$agent_pid" | sort -k3 -n -r | head -25 >&2
sleep 3
c3=$(cpu "$agent_pid")
# The measured cycles' own durations (durationMs, also on the log line that ends each cycle).
durations=$(grep -E "$done_re" "$work/log" | sed -n "3,$((2 + cycles))p" | sed -E 's/.*\(cycle ([0-9]+) ms\)$/\1/' | sort -n)
not_in_sync=$(grep -E "$done_re" "$work/log" | sed -n "3,$((2 + cycles))p" | grep -vc '^bootfleet-agent: in-sync: ' || true)
awk -v c0="$c0" -v c1="$c1" -v a0="$a0" -v a1="$a1" -v b0="$b0" -v b1="$b1" -v t0="$t0" -v t1="$t1" \
    -v n="$cycles" -v tk="$ticks" -v iv="$interval" -v rss="$idle_rss" -v hwm="$hwm" -v i0="$c2" -v i1="$c3" \
    -v d="$(echo $durations)" 'BEGIN {
  k = split(d, ms, " ")
  med = k % 2 ? ms[(k + 1) / 2] : (ms[k / 2] + ms[k / 2 + 1]) / 2
  per = (c1 - c0) / tk / n
  all = (a1 - a0) / tk / n
  printf "cycles measured:        %d (every %d s)\n", n, iv
  printf "cycle time (durationMs): median %.0f ms (min %d, max %d)\n", med, ms[1], ms[k]
  printf "CPU per cycle:          %.3f s agent + children (%.3f s the agent alone)\n", all, per
  printf "CPU between cycles:     %.3f s over 3 s\n", (i1 - i0) / tk
  printf "average CPU at 300 s:   %.3f %% of a core (agent + children)\n", all / 300 * 100
  printf "idle RSS:               %.1f MiB (peak %.1f MiB)\n", rss / 1024, hwm / 1024
  printf "wall per window:        %.1f s\n", t1 - t0
  printf "other processes:        %.2f CPUs busy on average during the window\n", ((b1 - b0) - (a1 - a0)) / tk / (t1 - t0)
}'
echo "load average:           $(cut -d' ' -f1-3 /proc/loadavg)"
echo "durations (ms, sorted): $(echo $durations)"
echo "cycles not in sync:     $not_in_sync"
if ((flatpaks > 0)); then
  seen=$(grep -oE '"org\.bootfleet\.Bench[0-9]+"' "$reports/web-01.etc.json" | sort -u | wc -l)
  echo "Flatpak apps reported:  $seen (in web-01.etc.json)"
  changes=$(grep -c '^bootfleet-agent: flatpak-' "$work/log" || true)
  ((seen == flatpaks && changes == 0)) || { echo "agent-bench: the host is not in sync with its $flatpaks apps" \
    "($changes Flatpak steps):" >&2; tail -20 "$work/log" >&2; exit 1; }
fi
echo "errors in log:          $(grep -c 'bootfleet-agent: error' "$work/log" || true)"
