#!/usr/bin/env bash
# `drift --server` against `drift --observed` on a synthetic fleet (default 10,000 hosts): generates the
# fleet and its observed documents (gen-fleet.py), commits the fleet, starts `bootfleet serve` on a free
# loopback port, enrolls every host and posts its documents, then times RUNS runs of each drift (JVM
# start included) and checks that both print the same JSON. Prints the figures; stops the server.
#
#   bench/server-drift-bench.sh [HOSTS] [RUNS]     (needs reconciler/target/bootfleet.jar: ./mvnw package)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
top="$(cd "$here/.." && pwd)"
n="${1:-10000}"
runs="${2:-3}"
dir="$(mktemp -d "${TMPDIR:-/tmp}/bootfleet-drift-bench.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

python3 "$here/gen-fleet.py" --hosts "$n" --repo "$dir/repo" --observed "$dir/observed" >/dev/null
git -C "$dir/repo" init -q -b main
git -C "$dir/repo" add -A
git -C "$dir/repo" -c user.name=bench -c user.email=bench@example.com commit -q -m fleet

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$top/bin/bootfleet" serve --repo "file://$dir/repo" --data "$dir/data" --listen "127.0.0.1:$port" \
  2>"$dir/server.log" &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  curl -sf "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log"; exit 1; }
  sleep 0.2 # between checks of readiness, bounded by the loop
done
curl -sf "$base/readyz" >/dev/null

# Enroll each host, exchange its token, post its documents: 8 at a time.
python3 - "$base" "$dir/data/operator.token" "$dir/observed" <<'EOF'
import json, os, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
base, op, obs = sys.argv[1], open(sys.argv[2]).read().strip(), sys.argv[3]
def call(method, path, token, body):
    req = urllib.request.Request(base + path, data=body.encode() if body is not None else None, method=method,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read()
def one(host):
    e = json.loads(call("POST", "/v1/enrollments", op, json.dumps({"host": host, "ttlSeconds": 600})))
    t = json.loads(call("POST", f"/v1/hosts/{host}/credential", e["token"], ""))["token"]
    etc = os.path.join(obs, host + ".etc.json")
    body = '{"status": ' + open(os.path.join(obs, host + ".json")).read() + ', "etc": ' + \
        (open(etc).read() if os.path.exists(etc) else "null") + "}"
    call("POST", f"/v1/hosts/{host}/status", t, body)
hosts = sorted(f[:-5] for f in os.listdir(obs) if f.endswith(".json") and not f.endswith(".etc.json"))
with ThreadPoolExecutor(8) as ex:
    list(ex.map(one, hosts))
print(f"posted {len(hosts)} reports", file=sys.stderr)
EOF

answer_bytes="$(curl -s -H "Authorization: Bearer $(cat "$dir/data/operator.token")" "$base/v1/observed" | wc -c)"
time_one() { # prints wall seconds and max RSS (KiB) of one run
  /usr/bin/time -f '%e %M' -o "$dir/time" "$@" >"$dir/out.json" 2>"$dir/err" || [[ $? == 2 ]]
  cat "$dir/time"
}
export BOOTFLEET_TOKEN
BOOTFLEET_TOKEN="$(cat "$dir/data/operator.token")"
echo "| hosts | source | wall s (runs) | max RSS MiB |"
echo "| ---: | --- | --- | ---: |"
for source in observed server; do
  if [[ $source == observed ]]; then args=(--observed "$dir/observed"); else args=(--server "$base"); fi
  "$top/bin/bootfleet" drift --repo "$dir/repo" --rev main "${args[@]}" --format json >"$dir/$source.json" 2>/dev/null \
    || [[ $? == 2 ]] # warm-up, and the output compared below
  walls=() rss=0
  for _ in $(seq 1 "$runs"); do
    read -r wall kib < <(time_one "$top/bin/bootfleet" drift --repo "$dir/repo" --rev main "${args[@]}" --format json)
    walls+=("$wall")
    ((kib > rss)) && rss=$kib
  done
  echo "| $n | --$source | ${walls[*]} | $((rss / 1024)) |"
done
sed -E 's/"generatedAt" : "[^"]*"/"generatedAt" : "-"/' "$dir/observed.json" >"$dir/a"
sed -E 's/"generatedAt" : "[^"]*"/"generatedAt" : "-"/' "$dir/server.json" >"$dir/b"
if cmp -s "$dir/a" "$dir/b"; then echo "same JSON from both; /v1/observed answer: $answer_bytes bytes"; else
  echo "the two drifts differ"; diff "$dir/a" "$dir/b" | head -20; exit 1; fi
