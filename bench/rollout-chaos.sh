#!/usr/bin/env bash
# Rollouts under SIGKILL, many times: RolloutChaosIT (reconciler/src/test/java/dev/bootfleet/app/sim) with a large
# run count, what docs/benchmarks.md reports.
#
#   bench/rollout-chaos.sh [RUNS] [PG_RUNS]    default 100 runs on the embedded store, 0 on PostgreSQL (two
#                                              replicas, each killed in turn; about 35 s a run)
#
# Each run: `bin/bootfleet serve` and `bin/bootfleet sim fleet` (12 hosts) as processes, a digest bump through a
# canary and two waves, then an image greenboot fails on; the server SIGKILLed at moments a seeded Random picks
# and restarted from its store; the invariants checked after each phase. Prints each run's seed and kills, then
# the totals (runs, kills, failures, time). A failure names its seed: -Dbootfleet.chaos.seed=S replays it.
# Needs what the IT needs: a JDK 21+, PostgreSQL's server binaries (apt-get install postgresql) for PG_RUNS > 0.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-100}" pg="${2:-0}"
log="$(mktemp /tmp/bootfleet-rollout-chaos.XXXXXX.log)"
start=$SECONDS
cd "$root"
it='RolloutChaosIT#embeddedStore*'
if ((pg > 0)); then it='RolloutChaosIT'; fi
set +e
./mvnw -B -ntp verify -Dtest=ReasonDocTest -Dit.test="$it" -Dbootfleet.chaos.runs="$runs" \
  -Dbootfleet.chaos.pgRuns="$pg" >"$log" 2>&1
rc=$?
set -e
grep -h '^\[chaos\]' "$log" reconciler/target/failsafe-reports/*RolloutChaosIT-output.txt 2>/dev/null | sort -u || true
grep -h 'chaos run with seed' "$log" | head -5 || true
echo "rollout-chaos: exit $rc after $((SECONDS - start)) s (maven included; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg));" \
  "log in $log"
exit $rc
