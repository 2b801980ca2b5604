#!/usr/bin/env bash
# The reconciler server with a fleet of SIMULATED hosts (bootfleet sim fleet): what docs/benchmarks.md reports.
#
#   bench/server-bench.sh latency [N ...]   from a push with its webhook until all N simulated agents have
#                                           staged: p50/p99/max per round (default N: 100 1000; 3 rounds each)
#   bench/server-bench.sh reports [N]       status reports stored per second, embedded store (default 1000 hosts)
#   bench/server-bench.sh heap [N]          used heap after a full GC with N declared hosts served (default 100000)
#   bench/server-bench.sh replan [N]        re-plan after a one-host commit (bench/server-replan-bench.sh, 10000)
#   bench/server-bench.sh rollout [N ...]   every host governed by one Rollout: the idle server's CPU per
#                                           rollout tick before and after every host reported, and reports
#                                           stored per second (default N: 1000 10000)
#
# Everything real on loopback: Debian's docker-registry (apt-get install docker-registry) with two tiny
# images pushed by curl, a Git repository (git), `bin/bootfleet serve` with its embedded store, and `bin/bootfleet
# sim fleet` in one process, its hosts' folders on /dev/shm. Each figure is printed with the load average.
# Needs the built jar (./mvnw -q -DskipTests package), curl, git, openssl, python3, jcmd. Temporary files are
# removed at the end. SERVER_JAVA_OPTS and SIM_JAVA_OPTS add JVM options to the server and the simulator
# (e.g. a JFR recording); QUIET_SECONDS (30) bounds the wait for a quiet machine before each round.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
source "$here/quiet.sh"
bin="$root/bin/bootfleet"
export BOOTFLEET_STARTUP_CACHE=off # no start-up cache recording in a timed run
what="${1:-latency}"
shift || true
work="$(mktemp -d /tmp/bootfleet-server-bench.XXXXXX)"
shm="$(mktemp -d "$( [[ -d /dev/shm ]] && echo /dev/shm || echo /tmp)/bootfleet-sim.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "$shm"
}
trap cleanup EXIT
for tool in curl git openssl python3 /usr/bin/docker-registry; do
  command -v "$tool" >/dev/null || { echo "server-bench: $tool is missing (apt-get install ${tool##*/})" >&2; exit 1; }
done
load() { cut -d' ' -f1-3 /proc/loadavg; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_for SECONDS WHAT COMMAND...: runs COMMAND until it succeeds, at most SECONDS, while the process
# $watch (when set) lives; $watch_log is shown when it died
wait_for() {
  local limit="$1" what="$2" end=$((SECONDS + $1)); shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > end)); then echo "server-bench: $what not within $limit s" >&2; exit 1; fi
    if [[ -n "${watch:-}" ]] && ! kill -0 "$watch" 2>/dev/null; then
      echo "server-bench: waiting for $what, the process $watch ended:" >&2; tail -5 "$watch_log" >&2; exit 1
    fi
    sleep 0.1
  done
}

# --- a registry with tiny images
registry() {
  local port; port="$(free_port)"
  mkdir -p "$work/registry"
  cat >"$work/registry/config.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry/storage}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YAML
  /usr/bin/docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
  pids+=($!)
  reg="127.0.0.1:$port"
  wait_for 30 "the registry" curl -fsS "http://$reg/v2/"
}
blob() { # blob FILE: uploads FILE to fleet/web-os, prints its digest
  local d location
  d="sha256:$(sha256sum "$1" | cut -d' ' -f1)"
  location="$(curl -fsS -D - -o /dev/null -X POST "http://$reg/v2/fleet/web-os/blobs/uploads/" | tr -d '\r' \
    | sed -n 's/^[Ll]ocation: //p')"
  [[ "$location" == http* ]] || location="http://$reg$location"
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$1" \
    "$location$([[ "$location" == *\?* ]] && echo '&' || echo '?')digest=$d"
  echo "$d"
}
push_image() { # push_image VERSION: pushes fleet/web-os:VERSION, prints its manifest digest
  local v="$1" dir="$work/img-$1" cfg layer
  mkdir -p "$dir/root"
  echo "$v $RANDOM" >"$dir/root/version"
  tar -C "$dir/root" -czf "$dir/layer.tar.gz" version
  printf '{"architecture":"amd64","os":"linux","config":{"Labels":{"org.opencontainers.image.version":"%s"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$v" "$(gzip -dc "$dir/layer.tar.gz" | sha256sum | cut -d' ' -f1)" >"$dir/config.json"
  cfg="$(blob "$dir/config.json")"
  layer="$(blob "$dir/layer.tar.gz")"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}' \
    "$cfg" "$(stat -c %s "$dir/config.json")" "$layer" "$(stat -c %s "$dir/layer.tar.gz")" >"$dir/manifest.json"
  curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$dir/manifest.json" "http://$reg/v2/fleet/web-os/manifests/$v"
  echo "sha256:$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)"
}

# --- a fleet repository of N hosts sim-NNN all on IMAGE
write_hosts() { # write_hosts REPO N IMAGE
  python3 - "$@" <<'PY'
import os, sys
repo, n, image = sys.argv[1], int(sys.argv[2]), sys.argv[3]
w = max(3, len(str(n)))
os.makedirs(f"{repo}/hosts", exist_ok=True)
for i in range(1, n + 1):
    name = f"sim-{i:0{w}d}"
    with open(f"{repo}/hosts/{name}.yaml", "w") as f:
        f.write(f"apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata:\n  name: {name}\nspec:\n  image:\n    ref: {image}\n")
PY
}
commit() { git -C "$1" add -A && git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -qm "$2"; }

# --- the server
serve() { # serve REPO DATA: starts bin/bootfleet serve, sets $url and $server_pid
  local port; port="$(free_port)"
  head -c 32 /dev/urandom | base64 >"$work/webhook.secret"
  BOOTFLEET_JAVA_OPTS="${SERVER_JAVA_OPTS:-}" "$bin" serve --repo "file://$1" --data "$2" --listen "127.0.0.1:$port" --poll-seconds 3600 \
    --webhook-secret-file "$work/webhook.secret" >"$2.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  url="http://127.0.0.1:$port"
  watch=$server_pid watch_log="$2.log" wait_for 600 "the server's first revision" curl -fsS "$url/readyz"
}
webhook() {
  local body='{"ref":"refs/heads/main"}' sig
  sig="$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$(cat "$work/webhook.secret")" -r | cut -d' ' -f1)"
  curl -fsS -o /dev/null -X POST -H "X-Hub-Signature-256: sha256=$sig" --data-binary "$body" "$url/hooks/git"
}

latency() {
  local sizes=("$@") n round digest t0 img
  ((${#sizes[@]})) || sizes=(100 1000)
  registry
  local d1 d2 d3 d4
  d1="$(push_image 42.1)"; d2="$(push_image 42.2)"; d3="$(push_image 42.3)"; d4="$(push_image 42.4)"
  for n in "${sizes[@]}"; do
    local repo="$work/fleet-$n" data="$work/data-$n" out="$work/sim-$n.out"
    mkdir -p "$repo" && git -C "$repo" init -q -b main
    write_hosts "$repo" "$n" "$reg/fleet/web-os:42.1@$d1" && commit "$repo" "v1"
    serve "$repo" "$data"
    BOOTFLEET_JAVA_OPTS="${SIM_JAVA_OPTS:-}" "$bin" sim fleet --server "$url" --hosts "$n" --operator-token-file "$data/operator.token" \
      --image "$reg/fleet/web-os:42.1@$d1" --dir "$shm/$n" --interval-seconds 3600 --events >"$out" 2>&1 &
    local sim_pid=$!
    pids+=("$sim_pid")
    # every host has reported its first cycle (its status line is printed once)
    watch=$sim_pid watch_log="$out" wait_for 600 "$n simulated hosts' first cycle" bash -c "[[ \$(grep -cE '^sim-[0-9]+: ' '$out') -ge $n ]]"
    round=0
    for img in "42.2@$d2" "42.3@$d3" "42.4@$d4"; do # each round a new image (bootc cannot unstage)
      round=$((round + 1))
      digest="${img#*@}"
      wait_for_quiet "${QUIET_SECONDS:-30}" "server-bench"
      write_hosts "$repo" "$n" "$reg/fleet/web-os:$img" && commit "$repo" "$img"
      t0="$(date +%s%3N)"
      webhook
      watch=$sim_pid watch_log="$out" wait_for 300 "all $n staged $digest" grep -q "all $n simulated hosts staged $digest" "$out"
      grep "^staged .* $digest " "$out" | awk -v t0="$t0" '{print $4 - t0}' | sort -n >"$work/lat"
      awk -v n="$n" -v r="$round" -v load="$(load)" '{a[NR]=$1} END {
        p50=a[int((NR-1)*0.50)+1]; p99=a[int((NR-1)*0.99)+1];
        printf "latency N=%d round %d: %d hosts staged, p50 %d ms, p99 %d ms, max %d ms (load %s)\n", n, r, NR, p50, p99, a[NR], load }' \
        "$work/lat"
      if grep -qE 'Exception|error' "$out"; then grep -E 'Exception|error' "$out" | head -3 >&2; fi
    done
    kill "$sim_pid" "$server_pid"; wait "$sim_pid" "$server_pid" 2>/dev/null || true
    rm -rf "$shm/$n"
  done
}

reports() {
  local n="${1:-1000}" java=${JAVA_HOME:+$JAVA_HOME/bin/}java
  local repo="$work/fleet" data="$work/data"
  mkdir -p "$repo" && git -C "$repo" init -q -b main
  python3 "$here/gen-fleet.py" --hosts "$n" --repo "$repo" --observed "$work/observed" >/dev/null
  commit "$repo" "fleet"
  serve "$repo" "$data"
  wait_for_quiet 30 "server-bench"
  "$java" -cp "$root/reconciler/target/bootfleet.jar" "$here/ReportBench.java" "$url" "$data/operator.token" \
    "$work/observed" "$server_pid"
  echo "(load $(load))"
}

# cpu_for PID SECONDS: the CPU seconds PID spends in the next SECONDS (utime + stime, clock ticks of 1/100 s)
cpu_for() {
  local a b
  a="$(awk '{print $14 + $15}' "/proc/$1/stat")"
  sleep "$2"
  b="$(awk '{print $14 + $15}' "/proc/$1/stat")"
  echo $((b - a))
}

# Every host of the synthetic fleet governed by one Rollout (a canary wave, the rest after it): what the
# rollout's 1-second tick costs the idle server, and what a report costs while a rollout governs its host.
rollout() {
  local sizes=("$@") n java=${JAVA_HOME:+$JAVA_HOME/bin/}java ticks idle=20
  ((${#sizes[@]})) || sizes=(1000 10000)
  for n in "${sizes[@]}"; do
    local repo="$work/fleet-$n" data="$work/data-$n"
    mkdir -p "$repo" && git -C "$repo" init -q -b main
    python3 "$here/gen-fleet.py" --hosts "$n" --repo "$repo" --observed "$work/observed-$n" >/dev/null
    cat >"$repo/rollout.yaml" <<'YAML'
apiVersion: bootfleet.dev/v1alpha1
kind: Rollout
metadata: {name: fleet}
spec:
  waves:
    - {name: canary, selector: {matchLabels: {ring: canary}}}
  maxUnavailable: 10%
YAML
    commit "$repo" "fleet"
    serve "$repo" "$data"
    wait_for_quiet 30 "server-bench"
    ticks="$(cpu_for "$server_pid" "$idle")"
    echo "rollout N=$n: idle, no host heard from: server CPU $((ticks * 10 / idle)) ms per second (1 tick/s) (load $(load))"
    "$java" -cp "$root/reconciler/target/bootfleet.jar" "$here/ReportBench.java" "$url" "$data/operator.token" \
      "$work/observed-$n" "$server_pid" | sed "s/^/rollout N=$n: /"
    echo "rollout N=$n: (load $(load))"
    wait_for_quiet 30 "server-bench"
    ticks="$(cpu_for "$server_pid" "$idle")"
    echo "rollout N=$n: idle, every host reported: server CPU $((ticks * 10 / idle)) ms per second (1 tick/s) (load $(load))"
    curl -fsS -H "Authorization: Bearer $(cat "$data/operator.token")" "$url/v1/rollouts/fleet" \
      | python3 -c 'import json,sys; d=json.load(sys.stdin); print("rollout N=%d: phase %s, waves %s" % ('"$n"', d["phase"], [(w["name"], w["state"], w["counts"]) for w in d["waves"]]))'
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  done
}

heap() {
  local n="${1:-100000}" repo="$work/fleet" data="$work/data"
  mkdir -p "$repo" && git -C "$repo" init -q -b main
  python3 "$here/gen-fleet.py" --hosts "$n" --repo "$repo" --observed "$work/observed" >/dev/null
  commit "$repo" "fleet"
  local t=$SECONDS
  serve "$repo" "$data"
  echo "heap: $n declared hosts served $((SECONDS - t)) s after start"
  jcmd "$server_pid" GC.run >/dev/null
  jcmd "$server_pid" GC.heap_info | sed 's/^/  /'
  # SerialGC prints a "total …K, used …K" line per generation (summed); G1, the server's default, one
  # "garbage-first heap total reserved …K, committed …K, used …K" line
  echo "heap: used after a full GC: $(jcmd "$server_pid" GC.heap_info \
    | grep -E '(total|committed) [0-9]+K, used [0-9]+K' | sed -E 's/.*used ([0-9]+)K.*/\1/' \
    | awk '{s += $1} END {printf "%.0f MiB", s / 1024}') (load $(load))"
  echo "heap: RSS $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$server_pid/status")"
}

case "$what" in
  latency) latency "$@" ;;
  reports) reports "$@" ;;
  heap) heap "$@" ;;
  replan) "$here/server-replan-bench.sh" "$@"; echo "(load $(load))" ;;
  rollout) rollout "$@" ;;
  *) echo "usage: $0 latency [N ...] | reports [N] | heap [N] | replan [N] | rollout [N ...]" >&2; exit 2 ;;
esac
