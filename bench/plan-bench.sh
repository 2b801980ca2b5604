#!/usr/bin/env bash
# Benchmarks `bootfleet plan` on synthetic fleets of N hosts: wall time (JVM start included) and peak
# RSS, measured with GNU time. For each size it generates a Git repository (groups, /etc files, one
# manifest per host in folders of at most 1000) and an observed folder outside it (one bootc status
# document and one /etc report per host), checks that the plan reports the host counts the generator
# expects, then times two warm-up runs and --runs timed runs. Prints a Markdown table.
#
#   bench/plan-bench.sh [--sizes 1000,10000,100000] [--runs 3] [--rev-sizes 10000] [--dir DIR] [--keep]
#                       [--wait-quiet SECONDS]
#
# --sizes      fleet sizes to measure (default 1000,10000,100000)
# --runs       timed runs per size, after two untimed warm-up runs (default 3)
# --rev-sizes  sizes also measured with --rev HEAD (the fleet read from Git's object database with
#              JGit rather than from the work tree); "none" for none (default 10000)
# --dir        where to generate the fleets (default: a new folder under ${TMPDIR:-/tmp}); a fleet
#              already generated there for the same size is reused
# --keep       keep the generated fleets and plans (default: delete them at the end, unless --dir)
# --wait-quiet before each timed run, wait up to SECONDS for other processes to leave the CPUs
#              nearly idle (under a quarter of one CPU over 2 s); on a shared machine this keeps
#              other people's builds out of the wall times (default 0: do not wait)
#
# Uses bin/bootfleet as it is (JAVA_HOME picks the JDK, BOOTFLEET_JAVA_OPTS adds JVM options, so the
# same script compares JVM flags) and the jar `./mvnw -DskipTests package` builds. The launcher's
# start-up cache goes to DIR/cache (XDG_CACHE_HOME), whatever the user's own cache holds, in a CI job
# too: the first warm-up plan writes its class-data-sharing archive and, on JDK 25+, the second its
# AOT cache.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
top="$(cd "$here/.." && pwd)"
bootfleet="$top/bin/bootfleet"

sizes="1000,10000,100000"
runs=3
rev_sizes="10000"
dir=""
keep=0
wait_quiet=0
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --sizes) sizes="${2:?--sizes needs a value}"; shift 2 ;;
    --sizes=*) sizes="${1#*=}"; shift ;;
    --runs) runs="${2:?--runs needs a value}"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --rev-sizes) rev_sizes="${2:?--rev-sizes needs a value}"; shift 2 ;;
    --rev-sizes=*) rev_sizes="${1#*=}"; shift ;;
    --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    --wait-quiet) wait_quiet="${2:?--wait-quiet needs a value}"; shift 2 ;;
    --wait-quiet=*) wait_quiet="${1#*=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "plan-bench: error: unknown argument '$1' (try --help)" >&2; exit 1 ;;
  esac
done
[[ "$sizes" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "plan-bench: error: --sizes expects numbers separated by commas, got '$sizes'" >&2; exit 1; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "plan-bench: error: --runs expects a positive number, got '$runs'" >&2; exit 1; }
[[ "$wait_quiet" =~ ^[0-9]+$ ]] || { echo "plan-bench: error: --wait-quiet expects seconds, got '$wait_quiet'" >&2; exit 1; }
[[ "$rev_sizes" == none || "$rev_sizes" =~ ^[0-9]+(,[0-9]+)*$ ]] \
  || { echo "plan-bench: error: --rev-sizes expects numbers separated by commas, or none; got '$rev_sizes'" >&2; exit 1; }

# --- what the benchmark needs -------------------------------------------------------------------------
missing=()
command -v python3 >/dev/null 2>&1 || missing+=("python3 (Debian package: python3)")
command -v git >/dev/null 2>&1 || missing+=("git (Debian package: git)")
if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time --version 2>&1 | grep -q GNU; then
  missing+=("GNU time at /usr/bin/time, which measures peak RSS (Debian package: time; apt-get install -y time)")
fi
if ((${#missing[@]})); then
  echo "plan-bench: error: missing what the benchmark needs:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
if [[ ! -f "${BOOTFLEET_JAR:-$top/reconciler/target/bootfleet.jar}" ]]; then
  echo "plan-bench: error: no bootfleet jar; build it first: (cd $top && ./mvnw -q -B -DskipTests package)" >&2
  exit 1
fi
if ! version="$("$bootfleet" --version 2>&1)"; then
  echo "plan-bench: error: bin/bootfleet does not run:" >&2
  echo "$version" >&2
  exit 1
fi

if [[ -z "$dir" ]]; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/bootfleet-bench.XXXXXX")"
  if ((keep)); then echo "plan-bench: fleets in $dir (kept)" >&2; fi
else
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  keep=1
fi
if ((!keep)); then trap 'rm -rf "$dir"' EXIT; fi

results="$dir/results.tsv"
: >"$results"
log() { echo "plan-bench: $*" >&2; }

# Generates the fleet of $1 hosts under $dir/$1 unless it is there, with expected.json: the plan's host counts.
generate() {
  local n="$1" base="$dir/$1"
  if [[ -f "$base/expected.json" && -d "$base/repo/.git" ]]; then
    return
  fi
  rm -rf "$base"
  mkdir -p "$base"
  local t0=$SECONDS
  python3 "$here/gen-fleet.py" --hosts "$n" --repo "$base/repo" --observed "$base/observed" >"$base/expected.json.tmp"
  (
    cd "$base/repo"
    git init -q
    git add -A
    git -c user.name=bench -c user.email=bench@localhost -c commit.gpgsign=false \
      commit -q --no-verify -m "Synthetic fleet of $n hosts"
  )
  mv "$base/expected.json.tmp" "$base/expected.json"
  log "generated $n hosts in $((SECONDS - t0)) s"
}

# shellcheck source=bench/quiet.sh
. "$here/quiet.sh"

# Runs one plan of the fleet of $1 hosts (extra arguments go to bootfleet). Sets wall (s), rss (KiB),
# cpu (user + sys s) and others (CPUs other processes kept busy during the run, on average).
plan_once() {
  local n="$1"; shift
  local base="$dir/$n" t="$dir/$n/time.txt" b0 b1 user sys
  b0="$(busy_jiffies)"
  if ! XDG_CACHE_HOME="$dir/cache" BOOTFLEET_STARTUP_CACHE=on /usr/bin/time -f '%e %M %U %S' -o "$t" "$bootfleet" plan --repo "$base/repo" --observed "$base/observed" \
      --format json --out "$base/plan.json" "$@" 2>"$base/stderr.txt"; then
    log "error: bootfleet plan failed for $n hosts ($*):"
    cat "$base/stderr.txt" >&2
    exit 1
  fi
  b1="$(busy_jiffies)"
  read -r wall rss user sys <"$t"
  cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
  others="$(awk -v b="$((b1 - b0))" -v hz="$hz" -v c="$cpu" -v w="$wall" \
    'BEGIN { o = (b / hz - c) / (w > 0.01 ? w : 0.01); printf "%.2f", o < 0 ? 0 : o }')"
}

# Checks the plan's host counts against what the generator says it made.
check() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
expected = json.loads(sys.argv[1])
summary = json.load(open(sys.argv[2]))["summary"]
got = {k: summary[k] for k in ("inSync", "drifted", "held", "unknown")}
want = {k: expected[k] for k in got}
if got != want:
    sys.exit(f"plan-bench: error: the plan reports {got}, the generator made {want}")
EOF
}

IFS=, read -ra size_list <<<"$sizes"
rev_list=()
[[ "$rev_sizes" != none ]] && IFS=, read -ra rev_list <<<"$rev_sizes"
for n in "${size_list[@]}"; do
  generate "$n"
  expected="$(cat "$dir/$n/expected.json")"
  modes=("worktree")
  for r in "${rev_list[@]}"; do [[ "$r" == "$n" ]] && modes+=("rev"); done
  repo_files="$(git -C "$dir/$n/repo" ls-files | wc -l)"
  observed_files="$(find "$dir/$n/observed" -type f | wc -l)"
  for mode in "${modes[@]}"; do
    extra=()
    [[ "$mode" == rev ]] && extra=(--rev HEAD)
    plan_once "$n" "${extra[@]}" # warm-up: page cache, class-data-sharing archive
    check "$expected" "$dir/$n/plan.json"
    plan_once "$n" "${extra[@]}" # warm-up: the launcher's AOT cache (JDK 25+)
    for ((i = 1; i <= runs; i++)); do
      wait_for_quiet "$wait_quiet" plan-bench
      plan_once "$n" "${extra[@]}"
      log "$n hosts, $mode, run $i: ${wall} s wall, ${cpu} s CPU, $((rss / 1024)) MiB; other processes: ${others} CPUs"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$mode" "$repo_files" "$observed_files" "$wall" "$rss" "$cpu" \
        "$others" >>"$results"
    done
  done
done

python3 - "$results" "$version" "${BOOTFLEET_JAVA_OPTS:-}" "$(nproc)" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    n, mode, repo, observed, wall, rss, cpu, others = line.rstrip("\n").split("\t")
    r = rows.setdefault((int(n), mode), {"repo": int(repo), "observed": int(observed), "wall": [], "rss": [],
                                         "cpu": [], "others": []})
    r["wall"].append(float(wall))
    r["rss"].append(int(rss))
    r["cpu"].append(float(cpu))
    r["others"].append(float(others))
version, opts, cores = sys.argv[2], sys.argv[3], int(sys.argv[4])
print(f"{version}, BOOTFLEET_JAVA_OPTS={opts!r}" if opts else version)
print()
print("| hosts | read from | files (repo + observed) | median wall (s) | min / max (s) | CPU (s) "
      "| peak RSS (MiB) | RSS per host (KiB) |")
print("|------:|-----------|------------------------:|----------------:|--------------:|--------:"
      "|---------------:|-------------------:|")
busiest = 0.0
for (n, mode), r in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] != "worktree")):
    peak = max(r["rss"])
    busiest = max(busiest, max(r["others"]))
    print(f"| {n:,} | {'work tree' if mode == 'worktree' else '--rev HEAD'} | {r['repo']:,} + {r['observed']:,} "
          f"| {statistics.median(r['wall']):.2f} | {min(r['wall']):.2f} / {max(r['wall']):.2f} "
          f"| {statistics.median(r['cpu']):.2f} | {peak / 1024:.0f} | {peak / n:.1f} |")
print()
print(f"Wall: median of the timed runs, JVM start included. CPU: median user + system time. Peak RSS: the"
      f" largest of the timed runs. Other processes kept up to {busiest:.1f} of {cores} CPUs busy during a run"
      + (" (the wall times are not reliable; rerun on a quiet machine)." if busiest > 0.25 else "."))
EOF
