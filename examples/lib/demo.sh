# shellcheck shell=bash
# Shared by the example walk-throughs (sourced, not run): messages, a command run with its exit code
# checked, and the work folder. The caller sets demo_name (the prefix of its messages) and keep (1:
# keep the work folder), and has `set -euo pipefail`.
#
#   demo_start DIR   all of the below for a walk-through in examples/: the tools, the work folder, and
#                    the registry helpers (examples/lib/registry.sh)
#   demo_work DIR    the work folder (DIR if given: new or empty; else a new one from mktemp -d) in
#                    $work, with $work/logs; at exit the registry ($registry_pid) is stopped and the
#                    folder removed unless keep=1
#   shown EXIT CMD…  runs CMD, shows its output indented, dies unless it exits EXIT; the output stays
#                    in the file $shown_out
#   demo_tools BOOTFLEET JAR
#                    checks for what the walk-throughs need, naming the Debian package of each
#                    missing tool, and that the launcher finds a Java it can run

: "${demo_name:?set demo_name before sourcing demo.sh}" "${keep:=0}"

die() { echo "$demo_name: error: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
say() { printf '   %s\n' "$*"; }

shown() {
  local want="$1" rc=0 out
  shift
  out="$(mktemp "$work/logs/out.XXXXXX")"
  # shellcheck disable=SC2034 # for the caller
  shown_out="$out"
  say "\$ ${1##*/}$(printf ' %q' "${@:2}")" | sed "s|$work/||g"
  "$@" >"$out" 2>&1 || rc=$?
  sed 's/^/   | /' "$out"
  ((rc == want)) || die "${1##*/} ${2:-} exited $rc, expected $want"
}

demo_work() {
  local dir="$1"
  if [[ -n "$dir" ]]; then
    if [[ -e "$dir" ]]; then
      [[ -d "$dir" ]] || die "--dir $dir is not a folder"
      [[ -z "$(ls -A "$dir")" ]] || die "--dir $dir is not empty (it is deleted at the end unless --keep)"
    fi
    mkdir -p "$dir"
    work="$(cd "$dir" && pwd)"
  else
    work="$(mktemp -d "${TMPDIR:-/tmp}/bootfleet-$demo_name.XXXXXX")"
  fi
  mkdir -p "$work/logs"
  registry_pid=""
  trap demo_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

demo_cleanup() {
  local rc=$?
  if [[ -n "${registry_pid:-}" ]]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  if ((keep)); then echo "$demo_name: kept $work" >&2; else rm -rf "$work"; fi
  exit "$rc"
}

demo_tools() {
  local missing=()
  [[ -x /usr/bin/docker-registry ]] || missing+=("/usr/bin/docker-registry (Debian package docker-registry)")
  command -v curl >/dev/null || missing+=("curl (Debian package curl)")
  command -v git >/dev/null || missing+=("git (Debian package git)")
  command -v sha256sum >/dev/null || missing+=("sha256sum (Debian package coreutils)")
  command -v tar >/dev/null || missing+=("tar (Debian package tar)")
  command -v gzip >/dev/null || missing+=("gzip (Debian package gzip)")
  [[ -f "$2" ]] || missing+=("$2 (build it first: ./mvnw -q -DskipTests package)")
  if ((${#missing[@]})); then
    printf '%s: error: missing %s\n' "$demo_name" "${missing[@]}" >&2
    exit 1
  fi
  # The launcher says which Java it found and what to install when there is none.
  "$1" --version >/dev/null || die "bin/bootfleet cannot run (see above)"
}

demo_start() {
  local lib top
  lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  top="$(cd "$lib/../.." && pwd)"
  # shellcheck source=examples/lib/registry.sh
  . "$lib/registry.sh"
  demo_tools "$top/bin/bootfleet" "${BOOTFLEET_JAR:-$top/reconciler/target/bootfleet.jar}"
  demo_work "$1"
}
