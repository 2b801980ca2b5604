#!/usr/bin/env bash
# A rollout of N simulated hosts (default 1000) in five waves, soak 0: what docs/benchmarks.md reports.
#
#   bench/rollout-1000.sh [N]
#
# `bin/bootfleet serve` on its embedded store over a Git repository with N hosts and a Rollout (waves w1..w5 of
# 1%, 9%, 30%, 30%, 30% of the hosts by label, maxUnavailable 20% per wave, soak 0, no windows), and `bin/bootfleet
# sim fleet --images demo --reboot-any-time --events` (real agents in server mode over in-memory bootc hosts: they
# stage, take a reboot lease, reboot, run greenboot's check and report). A commit bumps the digest and its webhook
# is sent; the clock runs from the webhook to the last host's healthy verdict. Per wave: from its first host staged
# to its last host healthy, and the engine's gap: from the previous wave's last host healthy to this wave's first
# host staged (the report, the decision, the long poll's wake-up and the fetch: what the server adds per wave).
# Needs the built jar (./mvnw -q -DskipTests package), git, openssl, curl, python3. No registry: the demo's images.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
source "$here/quiet.sh"
bin="$root/bin/bootfleet"
export BOOTFLEET_STARTUP_CACHE=off # no start-up cache recording in a timed run
n="${1:-1000}"
work="$(mktemp -d /tmp/bootfleet-rollout-bench.XXXXXX)"
shm="$(mktemp -d "$( [[ -d /dev/shm ]] && echo /dev/shm || echo /tmp)/bootfleet-rollout-sim.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "$shm"
}
trap cleanup EXIT
for tool in curl git openssl python3; do
  command -v "$tool" >/dev/null || { echo "rollout-1000: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
load() { cut -d' ' -f1-3 /proc/loadavg; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # wait_for SECONDS WHAT COMMAND...
  local limit="$1" what="$2" end=$((SECONDS + $1)); shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > end)); then echo "rollout-1000: $what not within $limit s" >&2; tail -5 "$work/sim.out" >&2; exit 1; fi
    sleep 0.2
  done
}
demo() { echo "demo.bootfleet.invalid/shop-os@sha256:$(printf 'bootfleet demo image demo.bootfleet.invalid/shop-os:%s' "$1" \
  | sha256sum | cut -d' ' -f1)"; }

repo="$work/fleet" data="$work/data"
mkdir -p "$repo" && git -C "$repo" init -q -b main
write_fleet() { # write_fleet IMAGE
  python3 - "$repo" "$n" "$1" <<'PY'
import os, sys
repo, n, image = sys.argv[1], int(sys.argv[2]), sys.argv[3]
w = max(3, len(str(n)))
bounds = [max(1, n // 100), n // 10, n * 4 // 10, n * 7 // 10, n]  # 1%, 9%, 30%, 30%, 30%
os.makedirs(f"{repo}/hosts", exist_ok=True)
for i in range(1, n + 1):
    wave = next(k for k, b in enumerate(bounds, 1) if i <= b)
    with open(f"{repo}/hosts/sim-{i:0{w}d}.yaml", "w") as f:
        f.write(f"apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata:\n  name: sim-{i:0{w}d}\n"
                f"  labels: {{ring: w{wave}}}\nspec:\n  image:\n    ref: {image}\n")
with open(f"{repo}/rollout.yaml", "w") as f:
    f.write("apiVersion: bootfleet.dev/v1alpha1\nkind: Rollout\nmetadata: {name: fleet}\nspec:\n  waves:\n"
            + "".join(f"    - {{name: w{k}, selector: {{matchLabels: {{ring: w{k}}}}}}}\n" for k in range(1, 6))
            + "  maxUnavailable: \"20%\"\n  soak: 0s\n  healthTimeout: 15m\n")
PY
}
commit() { git -C "$repo" add -A && git -C "$repo" -c user.name=bench -c user.email=bench@example.com commit -qm "$1"; }

v1="$(demo 1.0)" v2="$(demo 1.1)"
write_fleet "$v1" && commit "fleet on 1.0"
port="$(free_port)"
url="http://127.0.0.1:$port"
head -c 32 /dev/urandom | base64 >"$work/webhook.secret"
"$bin" serve --repo "file://$repo" --data "$data" --listen "127.0.0.1:$port" --poll-seconds 3600 \
  --webhook-secret-file "$work/webhook.secret" --default-reboot-slots "$n" >"$work/server.log" 2>&1 &
pids+=($!)
wait_for 600 "the server's first revision" curl -fsS "$url/readyz"
"$bin" sim fleet --server "$url" --hosts "$n" --operator-token-file "$data/operator.token" --images demo \
  --image "$v1" --dir "$shm" --interval-seconds 60 --reboot-any-time --events >"$work/sim.out" 2>&1 &
pids+=($!)
wait_for 900 "$n simulated hosts' first cycle" bash -c "[[ \$(grep -cE '^sim-[0-9]+: ' '$work/sim.out') -ge $n ]]"
wait_for_quiet "${QUIET_SECONDS:-30}" "rollout-1000"

write_fleet "$v2" && commit "fleet on 1.1"
body='{"ref":"refs/heads/main"}'
sig="$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$(cat "$work/webhook.secret")" -r | cut -d' ' -f1)"
t0="$(date +%s%3N)"
curl -fsS -o /dev/null -X POST -H "X-Hub-Signature-256: sha256=$sig" --data-binary "$body" "$url/hooks/git"
d2="${v2#*@}"
wait_for 3600 "all $n hosts healthy on $d2" bash -c "[[ \$(grep -c '^health .* $d2 healthy ' '$work/sim.out') -ge $n ]]"
echo "rollout-1000: $n hosts, 5 waves, maxUnavailable 20%, soak 0; $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB;" \
  "load at the end $(load)"
python3 - "$work/sim.out" "$n" "$d2" "$t0" <<'PY'
import sys
out, n, digest, t0 = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
bounds = [max(1, n // 100), n // 10, n * 4 // 10, n * 7 // 10, n]
def wave(host):
    i = int(host.split("-")[1])
    return next(k for k, b in enumerate(bounds, 1) if i <= b)
staged, healthy, reboots = {}, {}, {}
for line in open(out):
    p = line.split()
    if len(p) >= 4 and p[0] == "staged" and p[2] == digest:
        staged.setdefault(wave(p[1]), []).append(int(p[3]))
    elif len(p) >= 5 and p[0] == "health" and p[2] == digest and p[3] == "healthy":
        healthy.setdefault(wave(p[1]), []).append(int(p[4]))
last = max(max(v) for v in healthy.values())
print(f"  from the webhook to the last host healthy: {(last - t0) / 1000:.1f} s")
prev = t0
for k in range(1, 6):
    first, end = min(staged[k]), max(healthy[k])
    print(f"  wave w{k} ({len(healthy[k])} hosts): {(end - first) / 1000:.1f} s from its first host staged to its last"
          f" healthy; the engine's gap before it: {(first - prev) / 1000:.2f} s"
          + (" (from the webhook)" if k == 1 else " (from the previous wave's last host healthy)"))
    prev = end
PY
if grep -qE 'Exception' "$work/sim.out" "$work/server.log"; then grep -hE 'Exception' "$work/sim.out" "$work/server.log" | head -3 >&2; fi
