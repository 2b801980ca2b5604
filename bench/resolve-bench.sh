#!/usr/bin/env bash
# Benchmarks resolving image tags to digests: `bootfleet pin --check` on a fleet of N hosts that each
# name a distinct tag, against a loop of `skopeo inspect --format '{{.Digest}}'` run once per tag, both
# against the same local registry (Debian's docker-registry on a free loopback port, plain HTTP) in one
# run. Cold: a new process each time, no cache of tags (bootfleet keeps none between runs).
#
#   bench/resolve-bench.sh [--tags 200] [--runs 3] [--wait-quiet SECONDS] [--keep]
#
# --tags        distinct tags, one image each (default 200)
# --runs        timed runs of each side (default 3); the table gives every run and the median
# --wait-quiet  before each timed run, wait up to SECONDS for other processes to leave the CPUs
#               nearly idle (under a quarter of one CPU over 2 s), as plan-bench.sh does (default 0)
# --keep        keep the registry's folder and the fleet (default: delete them)
#
# Before timing, it checks that both sides give the same digest for every tag (bootfleet pin writes
# them into the manifests; skopeo prints them). The images are made with curl: one shared config and
# layer blob, and per tag a manifest with its own annotation, so every tag has its own digest.
# Needs: docker-registry, skopeo, curl, sha256sum (Debian: docker-registry skopeo curl coreutils) and
# the jar `./mvnw -DskipTests package` builds; bin/bootfleet runs it as a user would.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
top="$(cd "$here/.." && pwd)"
bootfleet="$top/bin/bootfleet"

tags=200
runs=3
keep=0
wait_quiet=0
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --tags) tags="${2:?--tags needs a value}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a value}"; shift 2 ;;
    --wait-quiet) wait_quiet="${2:?--wait-quiet needs a value}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "resolve-bench: error: unknown argument '$1' (try --help)" >&2; exit 1 ;;
  esac
done
[[ "$tags" =~ ^[1-9][0-9]*$ ]] || { echo "resolve-bench: error: --tags expects a positive number, got '$tags'" >&2; exit 1; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "resolve-bench: error: --runs expects a positive number, got '$runs'" >&2; exit 1; }
[[ "$wait_quiet" =~ ^[0-9]+$ ]] || { echo "resolve-bench: error: --wait-quiet expects seconds, got '$wait_quiet'" >&2; exit 1; }

missing=()
[[ -x /usr/bin/docker-registry ]] || missing+=("docker-registry (Debian package docker-registry)")
command -v skopeo >/dev/null || missing+=("skopeo (Debian package skopeo)")
command -v curl >/dev/null || missing+=("curl (Debian package curl)")
command -v sha256sum >/dev/null || missing+=("sha256sum (Debian package coreutils)")
jar="${BOOTFLEET_JAR:-$top/reconciler/target/bootfleet.jar}"
[[ -f "$jar" ]] || missing+=("$jar (run ./mvnw -DskipTests package)")
if ((${#missing[@]})); then
  printf 'resolve-bench: error: missing %s\n' "${missing[@]}" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/bootfleet-resolve-bench.XXXXXX")"
registry_pid=""
cleanup() {
  if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  if ((keep)); then echo "resolve-bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# --- the registry: a free loopback port, its own storage, Debian's configuration without logs (whose
# cost is not what is measured here): examples/lib/registry.sh, as the walk-throughs start it
# shellcheck source=examples/lib/registry.sh
. "$top/examples/lib/registry.sh"
registry_start "$work" resolve-bench || exit 1
host="$registry"

# --- the images: one config and one layer, a manifest per tag
repo="bench/os"
printf 'bench\n' >"$work/hello"
tar -C "$work" -cf - hello | gzip -n >"$work/layer.tar.gz"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"config":{}}' \
  "$(tar -C "$work" -cf - hello | sha256sum | cut -d' ' -f1)" >"$work/config.json"
config_digest="$(registry_upload "$repo" "$work/config.json")"
layer_digest="$(registry_upload "$repo" "$work/layer.tar.gz")"
config_size="$(stat -c %s "$work/config.json")"
layer_size="$(stat -c %s "$work/layer.tar.gz")"
mkdir -p "$work/fleet/hosts"
echo "resolve-bench: pushing $tags tags to $host/$repo" >&2
for i in $(seq -w 1 "$tags"); do
  t="t$i"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}],"annotations":{"org.opencontainers.image.ref.name":"%s"}}' \
    "$config_digest" "$config_size" "$layer_digest" "$layer_size" "$t" >"$work/manifest.json"
  curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$work/manifest.json" "http://$host/v2/$repo/manifests/$t" >/dev/null
  cat >"$work/fleet/hosts/h$i.yaml" <<EOF
apiVersion: bootfleet.dev/v1alpha1
kind: Host
metadata: {name: h$i}
spec:
  image: {ref: $host/$repo:$t}
EOF
done

# The launcher's start-up cache (bin/bootfleet): its first run of a command writes a class-data-sharing
# archive, its second (JDK 25+) an AOT cache. Both are made before timing, as on any machine that has
# run the command twice (in a CI job too, where the launcher otherwise writes none); the tags are
# looked up afresh in every run all the same.
export XDG_CACHE_HOME="$work/cache" BOOTFLEET_STARTUP_CACHE=on

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# --- correctness first: both sides give the same digest for every tag
cp -r "$work/fleet" "$work/pinned"
"$bootfleet" pin --repo "$work/pinned" --plain-http "$host" >/dev/null
sed -n 's/.*ref: .*:\(t[0-9]*\)@\(sha256:[0-9a-f]*\)}/\1 \2/p' "$work"/pinned/hosts/*.yaml | sort >"$work/bootfleet.txt"
for i in $(seq -w 1 "$tags"); do
  echo "t$i $(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$host/$repo:t$i")"
done | sort >"$work/skopeo.txt"
[[ "$(wc -l <"$work/bootfleet.txt")" -eq "$tags" ]] || { echo "resolve-bench: error: bootfleet pinned $(wc -l <"$work/bootfleet.txt") of $tags tags" >&2; exit 1; }
cmp -s "$work/bootfleet.txt" "$work/skopeo.txt" || { echo "resolve-bench: error: bootfleet and skopeo disagree:" >&2; diff "$work/bootfleet.txt" "$work/skopeo.txt" >&2; exit 1; }
[[ "$(cut -d' ' -f2 "$work/skopeo.txt" | sort -u | wc -l)" -eq "$tags" ]] || { echo "resolve-bench: error: tags share digests" >&2; exit 1; }
echo "resolve-bench: both sides agree on all $tags digests" >&2
"$bootfleet" pin --check --repo "$work/fleet" --plain-http "$host" >/dev/null 2>&1 || true # the second run

# shellcheck source=bench/quiet.sh
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/quiet.sh"

# --- timed runs
b_times=(); s_times=()
for r in $(seq "$runs"); do
  wait_for_quiet "$wait_quiet" resolve-bench
  t0="$(now)"
  set +e; "$bootfleet" pin --check --repo "$work/fleet" --plain-http "$host" >"$work/check.out" 2>&1; rc=$?; set -e
  t1="$(now)"
  [[ "$rc" -eq 2 ]] || { echo "resolve-bench: error: pin --check exited $rc (expected 2): $(tail -3 "$work/check.out")" >&2; exit 1; }
  b_times+=("$(elapsed "$t0" "$t1")")
  wait_for_quiet "$wait_quiet" resolve-bench
  t0="$(now)"
  for i in $(seq -w 1 "$tags"); do
    skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$host/$repo:t$i" >/dev/null
  done
  t1="$(now)"
  s_times+=("$(elapsed "$t0" "$t1")")
  echo "resolve-bench: run $r: bootfleet ${b_times[-1]} s, skopeo loop ${s_times[-1]} s" >&2
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
bm="$(median "${b_times[@]}")"; sm="$(median "${s_times[@]}")"
ratio="$(awk -v b="$bm" -v s="$sm" 'BEGIN { printf "%.1f", s / b }')"
echo
echo "| What ($tags distinct tags, cold) | Runs (s) | Median (s) | Per tag (ms) |"
echo "|---|---|---|---|"
echo "| \`bootfleet pin --check\` (one JVM, concurrent lookups) | ${b_times[*]} | $bm | $(awk -v t="$bm" -v n="$tags" 'BEGIN { printf "%.1f", 1000 * t / n }') |"
echo "| \`skopeo inspect --format '{{.Digest}}'\` once per tag | ${s_times[*]} | $sm | $(awk -v t="$sm" -v n="$tags" 'BEGIN { printf "%.1f", 1000 * t / n }') |"
echo
echo "Ratio (skopeo loop / bootfleet): **${ratio}x**"
