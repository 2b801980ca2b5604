#!/usr/bin/env bash
# Measures `bootfleet validate` and `bootfleet plan` on the largest revision the expansion limits allow
# (issue 14), and on the issue's alias bomb, which they refuse: wall time (JVM start included) and peak
# RSS from GNU time (`/usr/bin/time -v`). Prints a Markdown table.
#
#   bench/expansion-limit.sh [--runs 3] [--dir DIR] [--keep]
#
# --runs  timed runs of each command, after one untimed warm-up run (default 3)
# --dir   where to generate the fleets (default: a new folder under ${TMPDIR:-/tmp}, deleted at the end)
# --keep  keep the generated fleets (default: delete them at the end, unless --dir)
#
# The largest revision: examples/fleet-repo plus 16 Host manifests (big-01 … big-16), each declaring
# 16 /etc files of 1,000,000 bytes through one anchor and 15 aliases, so that each file expands to
# just under 16 MiB of text and of /etc content and the revision to just under 256 MiB of each. Every
# big host has a status document (a copy of web-01's) and no /etc report, so plan writes all 256 files:
# `plan --format markdown` renders a diff of each (200 lines at most). The bomb: one Host manifest
# with a 900 KB scalar behind an anchor, aliased 2,000 times (a 1 MB file that expands to 1.8 GB).
#
# Uses bin/bootfleet as it is (JAVA_HOME picks the JDK, BOOTFLEET_JAVA_OPTS adds JVM options) and the
# jar `./mvnw -DskipTests package` builds; its start-up cache goes to DIR/cache.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
top="$(cd "$here/.." && pwd)"
bootfleet="$top/bin/bootfleet"

runs=3
dir=""
keep=0
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --runs) runs="${2:?--runs needs a value}"; shift 2 ;;
    --runs=*) runs="${1#*=}"; shift ;;
    --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
    --dir=*) dir="${1#*=}"; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "expansion-limit.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "expansion-limit.sh: --runs '$runs' is not a positive number" >&2; exit 2; }

missing=()
command -v python3 >/dev/null || missing+=("python3")
if [[ ! -x /usr/bin/time ]] || ! /usr/bin/time --version 2>&1 | grep -q GNU; then
  missing+=("GNU time at /usr/bin/time, which measures peak RSS (Debian package: time; apt-get install -y time)")
fi
if ((${#missing[@]})); then
  printf 'expansion-limit.sh: missing: %s\n' "${missing[@]}" >&2
  exit 2
fi

if [[ -z "$dir" ]]; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/bootfleet-expansion.XXXXXX")"
  ((keep)) || trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
export XDG_CACHE_HOME="$dir/cache"

# Generates both fleets from the example one.
python3 - "$top/examples/fleet-repo" "$dir" <<'PY'
import os, shutil, sys
example, out = sys.argv[1], sys.argv[2]
HEAD = ("apiVersion: bootfleet.dev/v1alpha1\nkind: Host\nmetadata:\n  name: {name}\n"
        "  labels: {{role: web, site: fra1}}\nspec:\n  etc:\n")
for kind in ("largest", "bomb"):
    repo = os.path.join(out, kind, "repo")
    if os.path.isdir(repo):
        continue
    shutil.copytree(example, repo)
    observed = os.path.join(repo, "observed")
    if kind == "largest":
        line = "x" * 99 + "\n"
        value = "".join(line for _ in range(10_000))           # 1,000,000 bytes
        block = "".join("        " + line for _ in range(10_000))
        for h in range(1, 17):
            name = "big-%02d" % h
            y = [HEAD.format(name=name), "    - path: /etc/big/00.conf\n      content: &big |\n", block]
            for f in range(1, 16):
                y.append("    - path: /etc/big/%02d.conf\n      content: *big\n" % f)
            with open(os.path.join(repo, "hosts", name + ".yaml"), "w") as fh:
                fh.write("".join(y))
            shutil.copy(os.path.join(observed, "web-01.json"), os.path.join(observed, name + ".json"))
    else:
        y = [HEAD.format(name="web-01"), "    - path: /etc/big0\n      content: &big " + "x" * 900_000 + "\n"]
        for i in range(1, 2001):
            y.append("    - path: /etc/big%d\n      content: *big\n" % i)
        with open(os.path.join(repo, "hosts", "web-01.yaml"), "w") as fh:
            fh.write("".join(y))
PY

# One command: prints "wall_s peak_MiB exit cpu_s" (cpu: user + system).
measure() {
  local log="$dir/time.log"
  local rc=0
  /usr/bin/time -v -o "$log" "$@" >"$dir/out.txt" 2>"$dir/err.txt" || rc=$?
  if grep -q "Command exited with non-zero status" "$log"; then
    rc="$(sed -n 's/.*Command exited with non-zero status \([0-9]*\).*/\1/p' "$log")"
  fi
  local wall peak
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')"
  peak="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")"
  local cpu
  cpu="$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$log")"
  if grep -q -e 'OutOfMemoryError' -e $'^\tat ' "$dir/err.txt"; then
    echo "expansion-limit.sh: a stack trace or OutOfMemoryError from: $*" >&2
    exit 1
  fi
  echo "$wall $((peak / 1024)) $rc $cpu"
}

echo "| Revision | Command | Exit | Wall s (min-max over $runs) | CPU s (min) | Peak RSS MiB (max) |"
echo "|---|---|---|---|---|---|"
for kind in largest bomb; do
  repo="$dir/$kind/repo"
  for cmd in validate plan; do
    if [[ $cmd == validate ]]; then
      args=(validate --repo "$repo")
    else
      args=(plan --repo "$repo" --observed "$repo/observed" --format markdown --out /dev/null)
    fi
    measure "$bootfleet" "${args[@]}" >/dev/null # warm-up (and the launcher's start-up cache)
    walls=() peaks=() cpus=() rc=""
    for ((i = 0; i < runs; i++)); do
      read -r w p rc c < <(measure "$bootfleet" "${args[@]}")
      walls+=("$w") peaks+=("$p") cpus+=("$c")
    done
    expect=0
    [[ $kind == bomb ]] && expect=1
    if [[ "$rc" != "$expect" ]]; then
      echo "expansion-limit.sh: $kind $cmd exited $rc, expected $expect:" >&2
      head -5 "$dir/err.txt" >&2
      exit 1
    fi
    min="$(printf '%s\n' "${walls[@]}" | sort -n | head -1)"
    max="$(printf '%s\n' "${walls[@]}" | sort -n | tail -1)"
    peak="$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)"
    cpu="$(printf '%s\n' "${cpus[@]}" | sort -n | head -1)"
    echo "| $kind | $cmd | $rc | $min-$max | $cpu | $peak |"
  done
done
if [[ -s "$dir/err.txt" ]]; then
  echo
  echo "Last error output (the bomb's plan):"
  grep -v ': warning: ' "$dir/err.txt" | head -3 | cut -c1-200
fi
