#!/usr/bin/env bash
# The dashboard's fleet page (ADR 0024) at N declared hosts: what docs/benchmarks.md reports.
#
#   bench/dashboard.sh [N] [RUNS]    N hosts (default 10000), RUNS timed requests per page (default 30)
#
# A synthetic fleet (bench/gen-fleet.py) committed to a Git repository, `bin/bootfleet serve` with its embedded
# store on loopback, every host enrolled and its report posted over HTTP (so the table shows real statuses),
# an operator logged in through the login form, then the time to first byte of whole pages, as curl sees them
# on loopback (rendering is all server-side: 50 rows a page, counts and image spread over every host). Each
# figure is printed with the load average. Needs the built jar (./mvnw -q -DskipTests package), curl, git and
# python3. Temporary files are removed at the end. QUIET_SECONDS (30) bounds the wait for a quiet machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
source "$here/quiet.sh"
bin="$root/bin/bootfleet"
export BOOTFLEET_STARTUP_CACHE=off
n="${1:-10000}"
runs="${2:-30}"
for tool in curl git python3; do
  command -v "$tool" >/dev/null || { echo "dashboard-bench: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
work="$(mktemp -d /tmp/bootfleet-dashboard-bench.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }

python3 "$here/gen-fleet.py" --hosts "$n" --repo "$work/repo" --observed "$work/observed" >/dev/null
git -C "$work/repo" init -q -b main
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=bench -c user.email=bench@example.com commit -qm fleet

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" serve --repo "file://$work/repo" --data "$work/data" --listen "127.0.0.1:$port" --poll-seconds 3600 \
  >"$work/server.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port"
end=$((SECONDS + 600))
until curl -fsS "$url/readyz" >/dev/null 2>&1; do
  if ((SECONDS > end)) || ! kill -0 "$server_pid" 2>/dev/null; then
    echo "dashboard-bench: the server did not serve the fleet:" >&2; tail -5 "$work/server.log" >&2; exit 1
  fi
  sleep 0.2
done
op="$(cat "$work/data/operator.token")"

# every host enrolled and reporting, over one keep-alive connection
python3 - "$port" "$op" "$work/observed" <<'PY'
import http.client, json, os, sys
port, op, observed = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port)
def call(method, path, token, body):
    c.request(method, path, body=body, headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = c.getresponse(); data = r.read()
    if r.status >= 300:
        sys.exit(f"dashboard-bench: {method} {path}: {r.status} {data[:200]!r}")
    return json.loads(data) if data else None
hosts = sorted(f[:-5] for f in os.listdir(observed) if f.endswith(".json") and not f.endswith(".etc.json"))
for h in hosts:
    e = call("POST", "/v1/enrollments", op, json.dumps({"host": h, "ttlSeconds": 600}))
    t = call("POST", f"/v1/hosts/{h}/credential", e["token"], "")["token"]
    with open(os.path.join(observed, h + ".json")) as f:
        status = f.read()
    etc = os.path.join(observed, h + ".etc.json")
    etc = open(etc).read() if os.path.exists(etc) else "null"
    call("POST", f"/v1/hosts/{h}/status", t, '{"status": %s, "etc": %s}' % (status, etc))
print(f"dashboard-bench: {len(hosts)} hosts reported")
PY

cookie="$(curl -sS -o /dev/null -D - --data-urlencode "token=$op" "$url/login" | tr -d '\r' \
  | sed -n 's/^[Ss]et-[Cc]ookie: \(bootfleet_session=[^;]*\).*/\1/p')"
[[ -n "$cookie" ]] || { echo "dashboard-bench: the login form gave no session" >&2; exit 1; }
rows="$(curl -fsS -H "Cookie: $cookie" "$url/" | grep -c '<tr data-host=' || true)"
echo "dashboard-bench: $n hosts declared; the fleet page shows $rows rows"

# time PATH: RUNS requests after 5 untimed ones; median, p95 and max of curl's time to the last byte (ms)
measure() {
  local path="$1" times
  for _ in 1 2 3 4 5; do curl -fsS -o /dev/null -H "Cookie: $cookie" "$url$path"; done
  wait_for_quiet "${QUIET_SECONDS:-30}" "dashboard-bench" || true
  times="$(for _ in $(seq "$runs"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Cookie: $cookie" "$url$path"
  done | sort -n)"
  python3 - "$path" "$(load)" <<PY
import sys
t = [float(x) * 1000 for x in """$times""".split()]
p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print(f"{sys.argv[1]:<40} median {p(0.5):6.1f} ms  p95 {p(0.95):6.1f} ms  max {t[-1]:6.1f} ms  ({len(t)} runs, load {sys.argv[2]})")
PY
}
measure "/"
measure "/?page=$((n / 50 / 2))"
measure "/?status=drifted"
measure "/?label=site%3Dfra1&status=in-sync"
measure "/rollouts"
measure "/revisions"
