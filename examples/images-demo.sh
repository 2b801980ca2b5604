#!/usr/bin/env bash
# Images end to end against a real registry: README.md's "Images: pin, verify, bake" as one command.
# Nothing outside the work folder is touched.
#
#   examples/images-demo.sh [--dir DIR] [--keep]
#
# --dir DIR   the work folder (must be new or empty; default: a new one from mktemp -d)
# --keep      keep the work folder at the end (default: delete it); the registry is stopped either way
#
# What it does:
#  1. starts Debian's docker-registry on a free loopback port (plain HTTP, its own storage) and pushes,
#     with curl only, fleet/web-os:42.1 and fleet/edge-os:42, a multi-architecture index (amd64, arm64);
#  2. makes a fleet repository (Git) whose two hosts name those images by tag only;
#  3. `pin --check` exits 2; `pin --commit` pins both and writes bootfleet.lock.json (the index's
#     children); `pin --check` exits 0;
#  4. pushes web-os:42.1 again (the tag moves): `pin --check` says the pin is stale and exits 2;
#  5. a host naming a tag that does not exist: `pin` names the file and the reference and writes
#     nothing; without it, `pin --commit` re-pins web-01;
#  6. `plan --verify-images` on the change: a digest the registry lacks is an error naming the host;
#  7. `bake` web-01's /etc into an image FROM its pinned base twice (same digest), then `--write-back`.
# It checks every exit code and file and ends with "images-demo: OK"; anything else exits non-zero.
#
# Needs: docker-registry, curl, git, sha256sum, tar, gzip (Debian: docker-registry curl git coreutils
# tar gzip), a Java 21+ runtime, and the jar `./mvnw -q -DskipTests package` builds.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
top="$(cd "$here/.." && pwd)"
bootfleet="$top/bin/bootfleet"

dir=""
keep=0
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --dir) dir="${2:?--dir needs a folder}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "images-demo: error: unknown argument '$1' (try --help)" >&2; exit 1 ;;
  esac
done

demo_name=images-demo
# shellcheck source=examples/lib/demo.sh
. "$here/lib/demo.sh"
demo_start "$dir"
started=$SECONDS
fleet="$work/fleet"

# --- 1. the registry and the images
step "starting docker-registry on loopback; pushing images with curl"
registry_start "$work" images-demo || exit 1
say "registry http://$registry/ (pid $registry_pid)"
export BOOTFLEET_PLAIN_HTTP="$registry" # every other registry would be HTTPS
web1="$(push_image fleet/web-os 42.1 2026-11-01T00:00:00Z)"
edge_amd64="$(push_image fleet/edge-os 42-amd64 2026-11-01T00:00:00Z amd64)"
edge_arm64="$(push_image fleet/edge-os 42-arm64 2026-11-01T00:00:00Z arm64)"
edge="$(push_index fleet/edge-os 42 "$edge_amd64/amd64" "$edge_arm64/arm64")"
say "fleet/web-os:42.1  $web1"
say "fleet/edge-os:42   $edge (index: amd64 $edge_amd64, arm64 $edge_arm64)"

# --- 2. the fleet repository
step "a fleet repository whose hosts name their images by tag"
mkdir -p "$fleet/hosts"
write_host() { # FILE NAME REF
  cat >"$fleet/hosts/$1" <<EOF
# $2: keep the tag readable; bootfleet pin adds the digest.
apiVersion: bootfleet.dev/v1alpha1
kind: Host
metadata: {name: $2}
spec:
  image:
    ref: $3   # bumped by hand or by Renovate
  etc:
    - path: /etc/motd
      content: "$2, managed by bootfleet\n"
EOF
}
write_host web-01.yaml web-01 "$registry/fleet/web-os:42.1"
write_host edge-01.yaml edge-01 "$registry/fleet/edge-os:42"
git_fleet() { git -C "$fleet" -c user.name=images-demo -c user.email=images-demo@example.invalid "$@"; }
git_fleet init -q -b main
git_fleet add -A
git_fleet commit -q -m "two hosts, by tag"
git -C "$fleet" config user.name images-demo # pin --commit takes its author from the Git config
git -C "$fleet" config user.email images-demo@example.invalid
say "$(git_fleet log --oneline | head -n 1)"

# --- 3. pin
step "pin --check: nothing is pinned yet (exit 2, for CI)"
shown 2 "$bootfleet" pin --repo "$fleet" --check
step "pin --commit: both references get their digest, and the index its lock entry"
shown 0 "$bootfleet" pin --repo "$fleet" --commit
grep -q "ref: $registry/fleet/web-os:42.1@$web1   # bumped by hand or by Renovate" "$fleet/hosts/web-01.yaml" \
  || die "hosts/web-01.yaml was not pinned in place: $(grep 'ref:' "$fleet/hosts/web-01.yaml")"
grep -q "^# web-01: keep the tag readable" "$fleet/hosts/web-01.yaml" || die "pin lost a comment"
grep -q "ref: $registry/fleet/edge-os:42@$edge " "$fleet/hosts/edge-01.yaml" || die "hosts/edge-01.yaml was not pinned"
for child in "$edge_amd64" "$edge_arm64"; do
  grep -q "$child" "$fleet/bootfleet.lock.json" || die "bootfleet.lock.json lacks the index child $child"
done
[[ -z "$(git_fleet status --porcelain)" ]] || die "pin --commit left changes uncommitted"
say "$(git_fleet log --oneline | head -n 1)"
shown 0 "$bootfleet" pin --repo "$fleet" --check

# --- 4. the tag moves
step "web-os:42.1 is pushed again: the tag now names another image"
web1b="$(push_image fleet/web-os 42.1 2026-11-15T00:00:00Z)"
say "fleet/web-os:42.1  $web1b"
shown 2 "$bootfleet" pin --repo "$fleet" --check
grep -q "is stale; the tag now names $web1b" "$shown_out" || die "pin --check did not call the pin stale"

# --- 5. all or nothing
step "a host naming a tag that does not exist: pin names it, and writes nothing"
write_host web-02.yaml web-02 "$registry/fleet/web-os:43"
before="$(sha256sum "$fleet/hosts/web-01.yaml")"
shown 1 "$bootfleet" pin --repo "$fleet"
[[ "$(sha256sum "$fleet/hosts/web-01.yaml")" == "$before" ]] || die "pin wrote web-01.yaml although web-02 failed"
rm "$fleet/hosts/web-02.yaml"
step "without it, pin re-pins web-01"
shown 0 "$bootfleet" pin --repo "$fleet" --commit -m "web-01: web-os 42.1 rebuilt"
grep -q "@$web1b" "$fleet/hosts/web-01.yaml" || die "web-01 was not re-pinned"

# --- 6. verify
step "plan --verify-images on a change naming a digest the registry does not have"
write_host web-03.yaml web-03 "$registry/fleet/web-os@sha256:$(printf '0%.0s' {1..64})"
git_fleet add -A
git_fleet commit -q -m "web-03: a digest that was never pushed"
shown 1 "$bootfleet" plan --repo "$fleet" --base HEAD~1 --head HEAD --verify-images
git_fleet revert --no-edit HEAD >/dev/null
shown 0 "$bootfleet" plan --repo "$fleet" --base HEAD~2 --head HEAD --verify-images

# --- 7. bake
step "bake web-01's /etc into an image FROM its pinned base, twice: the same digest"
baked="$registry/fleet/web-01-etc:42.1"
shown 0 "$bootfleet" bake --repo "$fleet" --host web-01 --to "$baked" --jib-cache "$work/jib"
first="$(grep -o "$baked@sha256:[0-9a-f]*" "$shown_out")"
shown 0 "$bootfleet" bake --repo "$fleet" --host web-01 --to "$baked" --jib-cache "$work/jib2"
second="$(grep -o "$baked@sha256:[0-9a-f]*" "$shown_out")"
[[ -n "$first" && "$first" == "$second" ]] || die "two bakes of the same input gave '$first' and '$second'"
step "bake --write-back: web-01 now names the baked image"
shown 0 "$bootfleet" bake --repo "$fleet" --host web-01 --to "$baked" --write-back --jib-cache "$work/jib"
grep -q "ref: $first" "$fleet/hosts/web-01.yaml" || die "bake --write-back did not name $first in hosts/web-01.yaml"
shown 0 "$bootfleet" pin --repo "$fleet" --check

step "done in $((SECONDS - started)) s"
echo "images-demo: OK"
