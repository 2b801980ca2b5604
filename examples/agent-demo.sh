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

demo_name=agent-demo
# shellcheck source=examples/lib/demo.sh
. "$here/lib/demo.sh"

# --- the tools and the work folder
demo_start "$dir"
started=$SECONDS
fleet="$work/fleet"
sim="$work/sim"
state="$work/agent-state"
reports="$state/reports"
root="$work/agent-root"
config="$work/agent.yaml"

# --- 1. the registry, and the images pushed with curl only (examples/lib/registry.sh)
step "starting docker-registry on loopback"
registry_start "$work" agent-demo || exit 1
say "registry http://$registry/ (pid $registry_pid, storage $work/registry/storage)"

repo="fleet/web-os"
push_version() { # VERSION CREATED -> the pinned reference REGISTRY/REPO:VERSION@sha256:...
  echo "$registry/$repo:$1@$(push_image "$repo" "$1" "$2")"
}
step "pushing three images with curl"
ref1="$(push_version 41.1 2025-11-01T00:00:00Z)"
ref2="$(push_version 41.2 2025-11-15T00:00:00Z)"
ref3="$(push_version 41.3 2025-12-01T00:00:00Z)"
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
