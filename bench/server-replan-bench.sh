#!/usr/bin/env bash
# The server's incremental re-plan on a synthetic fleet (default 10,000 hosts): after a commit that changes
# one host's manifest, and after one host's report, only that host is planned again. Prints the times.
#   bench/server-replan-bench.sh [HOSTS]     (needs reconciler/target/bootfleet.jar: ./mvnw package)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
n="${1:-10000}"
dir="${BENCH_DIR:-/tmp/bootfleet-replan-bench}/$n"
if [[ ! -d "$dir/repo" ]]; then
  mkdir -p "$dir"
  python3 "$here/gen-fleet.py" --hosts "$n" --repo "$dir/repo" --observed "$dir/observed" >/dev/null
fi
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
exec "$java" -cp "$root/reconciler/target/bootfleet.jar" "$here/ReplanBench.java" "$dir/repo" "$dir/observed"
