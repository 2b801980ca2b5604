#!/usr/bin/env bash
# The host agent end to end, with the bootc SIMULATOR as its bootc: README.md's "Try it with the bootc
# simulator" walk-through as one command. Nothing outside the work folder is touched.
#
#   examples/agent-demo.sh [--dir DIR] [--keep] [--no-fault]
#
# --dir DIR   the work folder (must be new or empty; default: a new one from mktemp -d)
# --keep      keep the work folder at the end (default: delete it); the registry is stopped either way
# --no-fault  skip the last part, the rolled-back update
#
# What it does:
#  1. starts Debian's docker-registry on a free loopback port (plain HTTP, its own storage) and pushes
#     three tiny images with curl only: fleet/web-os:41.1, :41.2 and :41.3, each an OCI manifest with
#     a config (linux/amd64, label org.opencontainers.image.version) and one gzip'ed tar layer;
#  2. makes a one-host fleet repository (Git): web-01 pinned to 41.1 by digest, plus /etc/motd;
#  3. `bootc-sim init` a simulated host booted on 41.1 and runs `bootfleet agent --once`: in sync,
#     /etc/motd written;
#  4. commits a bump to 41.2: the agent stages it (bootc switch) and reboots the simulated host, the
#     next cycle finds it converged and in sync, and `bootfleet drift` over the agent's reports exits 0;
#  5. arms the simulator's explicit-rollback fault and bumps to 41.3: the update is rolled back after
#     its boot, the host is held (agent exit 2, no new switch), until Git names 41.2 again.
# It checks every exit code and status and ends with "agent-demo: OK"; anything else exits non-zero.
#
# Needs: docker-registry, curl, git, sha256sum, tar, gzip (Debian: docker-registry curl git coreutils
# tar gzip), a Java 21+ runtime, and the jar `./mvnw -q -DskipTests package` builds.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
top="$(cd "$here/.." && pwd)"
bootfleet="$top/bin/bootfleet"
bootc_sim="$top/bin/bootc-sim"

dir=""
keep=0
fault=1
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while (($#)); do
  case "$1" in
    --dir) dir="${2:?--dir needs a folder}"; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-fault) fault=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "agent-demo: error: unknown argument '$1' (try --help)" >&2; exit 1 ;;
  esac
done

die() { echo "agent-demo: error: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
say() { printf '   %s\n' "$*"; }
shown() { # EXPECTED-EXIT COMMAND...: runs it, shows its output indented, dies on another exit code
  local want="$1" rc=0 out
  shift
  out="$(mktemp "$work/logs/out.XXXXXX")"
  say "\$ ${1##*/} ${*:2}" | sed "s|$work/||g"
  "$@" >"$out" 2>&1 || rc=$?
  sed 's/^/   | /' "$out"
  ((rc == want)) || die "${1##*/} ${2:-} exited $rc, expected $want"
}

# --- tools
missing=()
[[ -x /usr/bin/docker-registry ]] || missing+=("/usr/bin/docker-registry (Debian package docker-registry)")
command -v curl >/dev/null || missing+=("curl (Debian package curl)")
command -v git >/dev/null || missing+=("git (Debian package git)")
command -v sha256sum >/dev/null || missing+=("sha256sum (Debian package coreutils)")
command -v tar >/dev/null || missing+=("tar (Debian package tar)")
command -v gzip >/dev/null || missing+=("gzip (Debian package gzip)")
jar="${BOOTFLEET_JAR:-$top/reconciler/target/bootfleet.jar}"
[[ -f "$jar" ]] || missing+=("$jar (build it first: ./mvnw -q -DskipTests package)")
if ((${#missing[@]})); then
  printf 'agent-demo: error: missing %s\n' "${missing[@]}" >&2
  exit 1
fi
# The launcher says which Java it found and what to install when there is none.
"$bootfleet" --version >/dev/null || die "bin/bootfleet cannot run (see above)"

# --- the work folder
if [[ -n "$dir" ]]; then
  if [[ -e "$dir" ]]; then
    [[ -d "$dir" ]] || die "--dir $dir is not a folder"
    [[ -z "$(ls -A "$dir")" ]] || die "--dir $dir is not empty (it is deleted at the end unless --keep)"
  fi
  mkdir -p "$dir"
  work="$(cd "$dir" && pwd)"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/bootfleet-agent-demo.XXXXXX")"
fi
reg_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$reg_pid" ]]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
  if ((keep)); then echo "agent-demo: kept $work" >&2; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
fleet="$work/fleet"
sim="$work/sim"
state="$work/agent-state"
reports="$state/reports"
root="$work/agent-root"
config="$work/agent.yaml"
mkdir -p "$work/logs"

# --- 1. the registry
step "starting docker-registry on loopback"
# A random free port: one that nothing answers on, and that the registry then binds (else try another).
for _ in $(seq 20); do
  port=$((20000 + RANDOM % 40000))
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
  registry="127.0.0.1:$port"
  mkdir -p "$work/registry/storage"
  cat >"$work/registry/config.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry/storage}}
http: {addr: $registry}
EOF
  /usr/bin/docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
  reg_pid=$!
  for _ in $(seq 100); do
    kill -0 "$reg_pid" 2>/dev/null || break
    curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && break
    sleep 0.1
  done
  if kill -0 "$reg_pid" 2>/dev/null && curl -fsS "http://$registry/v2/" >/dev/null 2>&1; then break; fi
  kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true
  reg_pid=""
done
[[ -n "$reg_pid" ]] || die "docker-registry did not start: $(cat "$work/registry/log" 2>/dev/null)"
say "registry http://$registry/ (pid $reg_pid, storage $work/registry/storage)"

# --- the images, with curl only (the registry's monolithic blob upload)
repo="fleet/web-os"
sha256() { sha256sum "$1" | cut -d' ' -f1; }
upload() { # FILE -> sha256:DIGEST, pushed as a blob of $repo
  local d loc
  d="sha256:$(sha256 "$1")"
  loc="$(curl -fsS -X POST -D - -o /dev/null "http://$registry/v2/$repo/blobs/uploads/" | tr -d '\r' \
    | sed -n 's/^[Ll]ocation: *//p')"
  [[ -n "$loc" ]] || die "the registry gave no upload location for $repo"
  [[ "$loc" == http* ]] || loc="http://$registry$loc"
  if [[ "$loc" == *\?* ]]; then loc+="&digest=$d"; else loc+="?digest=$d"; fi
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$1" "$loc" >/dev/null
  echo "$d"
}
manifest_types="application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json"
manifest_types+=", application/vnd.docker.distribution.manifest.list.v2+json"
manifest_types+=", application/vnd.docker.distribution.manifest.v2+json"
push_image() { # VERSION CREATED -> the pinned reference REGISTRY/REPO:VERSION@sha256:...
  local v="$1" created="$2" d="$work/images/$1" diff_id layer config manifest_digest got
  mkdir -p "$d/rootfs/usr/lib/web-os"
  printf 'NAME="web-os (bootfleet demo)"\nVERSION_ID=%s\n' "$v" >"$d/rootfs/usr/lib/web-os/release"
  # Reproducible: fixed times, owners, modes and order; gzip -n stores no name or time.
  tar -C "$d/rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=u=rwX,go=rX \
    -cf "$d/layer.tar" usr
  gzip -n -c "$d/layer.tar" >"$d/layer.tar.gz"
  diff_id="sha256:$(sha256 "$d/layer.tar")"
  printf '{"architecture":"amd64","os":"linux","created":"%s","config":{"Labels":{"org.opencontainers.image.version":"%s"}},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$created" "$v" "$diff_id" >"$d/config.json"
  config="$(upload "$d/config.json")"
  layer="$(upload "$d/layer.tar.gz")"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$config" "$(stat -c %s "$d/config.json")" "$layer" "$(stat -c %s "$d/layer.tar.gz")" >"$d/manifest.json"
  curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary "@$d/manifest.json" "http://$registry/v2/$repo/manifests/$v" >/dev/null
  # Read the digest back as a client would (bootc-sim does the same HEAD).
  got="$(curl -fsS -I -H "Accept: $manifest_types" "http://$registry/v2/$repo/manifests/$v" | tr -d '\r' \
    | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p')"
  manifest_digest="sha256:$(sha256 "$d/manifest.json")"
  [[ "$got" == "$manifest_digest" ]] || die "$repo:$v: the registry says digest '$got', the manifest is $manifest_digest"
  echo "$registry/$repo:$v@$got"
}
step "pushing three images with curl"
ref1="$(push_image 41.1 2025-11-01T00:00:00Z)"
ref2="$(push_image 41.2 2025-11-15T00:00:00Z)"
ref3="$(push_image 41.3 2025-12-01T00:00:00Z)"
for r in "$ref1" "$ref2" "$ref3"; do say "$r"; done

# --- 2. the fleet repository
step "making the fleet repository (one host, web-01)"
mkdir -p "$fleet/hosts"
write_host() { # REF
  cat >"$fleet/hosts/web-01.yaml" <<EOF
apiVersion: bootfleet.dev/v1alpha1
kind: Host
metadata:
  name: web-01
  labels: {role: web, site: fra1}
spec:
  image:
    ref: "$1"
  etc:
    - path: /etc/motd
      template: true
      content: "{{host.name}} at {{host.labels.site}}, managed by bootfleet\n"
EOF
}
git_fleet() { git -C "$fleet" -c user.name=agent-demo -c user.email=agent-demo@example.invalid "$@"; }
commit() { # MESSAGE
  git_fleet add -A
  git_fleet commit -q -m "$1"
  say "commit $(git_fleet rev-parse --short HEAD): $1"
}
write_host "$ref1"
git_fleet init -q -b main
commit "web-01: web-os 41.1"
shown 0 "$bootfleet" validate --repo "$fleet"

# --- 3. the simulated host and the agent
step "bootc-sim init: a simulated host booted on 41.1"
shown 0 "$bootc_sim" --state-dir "$sim" init "$ref1"

mkdir -p "$root/etc"
cat >"$config" <<EOF
# README.md, "The host agent": no reboot.windows, so a reboot may happen at any time.
host: web-01
fleet: {url: "$fleet", branch: main}
stateDir: $state
reportDir: $reports
root: $root
bootc: [$bootc_sim, --state-dir, $sim]
bootIdFile: $sim/boot_id
reboot:
  command: [$bootc_sim, --state-dir, $sim, reboot]
EOF
say "agent configuration $config:"
sed 's/^/   | /' "$config"

cycle=0
agent_out=""
agent() { # EXPECTED-EXIT: one cycle, its output shown; dies on another exit code
  local want="$1" rc=0
  cycle=$((cycle + 1))
  agent_out="$work/logs/agent-$cycle.out"
  say "\$ bootfleet agent --once --config agent.yaml   (cycle $cycle)"
  "$bootfleet" agent --once --config "$config" >"$agent_out" 2>&1 || rc=$?
  sed 's/^/   | /' "$agent_out"
  ((rc == want)) || die "agent cycle $cycle exited $rc, expected $want"
}
expect() { # EXTENDED-REGEX: a line the last agent cycle must have printed
  grep -Eq -- "$1" "$agent_out" || die "agent cycle $cycle did not print /$1/"
}
expect_not() { # EXTENDED-REGEX: a line the last agent cycle must not have printed
  if grep -Eq -- "$1" "$agent_out"; then die "agent cycle $cycle printed /$1/"; fi
}
expect_report() { # KEY VALUE
  local got
  got="$(tr -d '\n' <"$reports/web-01.agent.json" | grep -o "\"$1\" *: *\"[^\"]*\"" | head -n 1 \
    | sed 's/.*: *"\(.*\)"/\1/')"
  [[ "$got" == "$2" ]] || die "web-01.agent.json: $1 is '$got', expected '$2'"
}
sim_booted() { # the simulated host's booted image, from its status document (keys sorted, one line)
  "$bootc_sim" --state-dir "$sim" status | sed -n 's/.*"booted":{//p' | grep -o '"image":"[^"]*"' | head -n 1 \
    | cut -d'"' -f4
}
reboots() { grep -o '"reboots" *: *[0-9]*' "$sim/sim.json" | grep -o '[0-9]*$'; }
sim_mark=0
sim_seen() { # what the simulator was asked to do since the last call (it logs every mutating command)
  local n
  n="$(wc -l <"$sim/commands.log")"
  tail -n "+$((sim_mark + 1))" "$sim/commands.log" | sed 's/^/   bootc-sim ran: /'
  sim_mark="$n"
}

step "agent cycle: the host runs what Git names; /etc/motd is written"
agent 0
expect '^bootfleet-agent: write-file /etc/motd: done'
expect '^bootfleet-agent: in-sync: '
expect_report status in-sync
want_motd="web-01 at fra1, managed by bootfleet"
[[ "$(cat "$root/etc/motd")" == "$want_motd" ]] || die "$root/etc/motd holds '$(cat "$root/etc/motd")'"
say "$root/etc/motd: $(cat "$root/etc/motd")"

step "agent cycle again: nothing to do"
agent 0
expect '^bootfleet-agent: in-sync: '
expect_not 'write-file|stage|reboot'

# --- 4. an update
step "Git bumps web-01 to 41.2: the agent stages it and reboots the simulated host"
write_host "$ref2"
commit "web-01: web-os 41.2"
before="$(reboots)"
sim_seen >/dev/null
agent 0
expect '^bootfleet-agent: stage .*: done \(bootc switch'
expect '^bootfleet-agent: reboot .*: requested'
[[ "$(reboots)" -eq $((before + 1)) ]] || die "the simulated host did not reboot"
[[ "$(sim_booted)" == *"@${ref2##*@}" ]] || die "the simulated host booted $(sim_booted), not $ref2"
sim_seen
say "simulated host now booted: $(sim_booted)"
say "(the agent's last line is where the host stood when the cycle began; it rebooted after that)"

step "agent cycle after the reboot: converged, in sync"
agent 0
expect '^bootfleet-agent: boot: converged: '
expect '^bootfleet-agent: in-sync: '
expect_not 'stage|reboot .*requested'
expect_report status in-sync

step "bootfleet drift over the agent's reports ($reports)"
shown 0 "$bootfleet" drift --repo "$fleet" --observed "$reports" --detailed-exitcode

# --- 5. a rolled-back update
if ((fault)); then
  step "fault: the next update is rolled back by a health check after its boot"
  shown 0 "$bootc_sim" --state-dir "$sim" fault explicit-rollback
  write_host "$ref3"
  commit "web-01: web-os 41.3"
  sim_seen >/dev/null
  agent 0
  expect '^bootfleet-agent: stage .*: done \(bootc switch'
  expect '^bootfleet-agent: reboot .*: requested'
  sim_seen
  say "simulated host now booted: $(sim_booted) (41.3 booted, then a health check rolled it back)"
  [[ "$(sim_booted)" == *"@${ref2##*@}" ]] || die "the simulated host should be back on 41.2"

  step "agent cycle after the rollback: held, 41.3 is not staged again"
  agent 2
  expect '^bootfleet-agent: boot: explicit-rollback: '
  expect '^bootfleet-agent: held: '
  expect_not 'stage .*: done'
  expect_report status held

  step "agent cycle again: still held (exit 2), nothing staged"
  switches="$(grep -c '^switch' "$sim/commands.log")"
  agent 2
  expect '^bootfleet-agent: held: '
  [[ "$(grep -c '^switch' "$sim/commands.log")" -eq "$switches" ]] || die "a held host ran bootc switch"

  shown 2 "$bootfleet" drift --repo "$fleet" --observed "$reports" --detailed-exitcode

  step "Git names 41.2 again: the hold ends, the host is in sync"
  write_host "$ref2"
  commit "web-01: back to web-os 41.2"
  agent 0
  expect '^bootfleet-agent: the hold on .* ends'
  expect '^bootfleet-agent: in-sync: '
  expect_not 'stage .*: done|reboot .*requested'
  shown 0 "$bootfleet" drift --repo "$fleet" --observed "$reports" --detailed-exitcode
fi

step "done in $((SECONDS - started)) s: $cycle agent cycles, $(reboots) simulated reboots"
echo "agent-demo: OK"
