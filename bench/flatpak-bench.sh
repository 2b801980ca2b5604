#!/usr/bin/env bash
# The agent's per-cycle Flatpak cost: builds N apps (default 50) into a file:// Flatpak repository with
# real flatpak (no network), installs them into a temporary user installation, then times
# FlatpakApplier.observe -- what each agent cycle runs to report the host's Flatpaks -- over several
# runs, wall and CPU (the JVM plus the flatpak processes it runs). Records what docs/benchmarks.md reports.
#
#   bench/flatpak-bench.sh [--apps N] [--runs R] [--opts "JVM options"]   (the agent runs with -Xint)
#
# Needs flatpak (apt-get install flatpak), the built jar and test classes
# (./mvnw -o -q -B -DskipTests package), and a JDK 21+ (JAVA_HOME or PATH). Touches no real installation:
# everything lives in a temporary folder that is removed afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
apps=50
runs=10
opts=""
while (($#)); do
  case "$1" in
    --apps) apps="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --opts) opts="$2"; shift 2 ;;
    *) echo "usage: $0 [--apps N] [--runs R] [--opts \"JVM options\"]" >&2; exit 2 ;;
  esac
done
command -v flatpak >/dev/null || { echo "flatpak-bench: needs flatpak (apt-get install flatpak)" >&2; exit 1; }
jar="$here/reconciler/target/bootfleet.jar"
tests="$here/reconciler/target/test-classes"
if [[ ! -f "$jar" || ! -f "$tests/dev/bootfleet/app/agent/FlatpakObserveBench.class" ]]; then
  echo "flatpak-bench: build first: ./mvnw -o -q -B -DskipTests package" >&2
  exit 1
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "flatpak-bench: $(flatpak --version), $(nproc) CPUs, $apps apps, $runs runs${opts:+, JVM options: $opts}"
# shellcheck disable=SC2086 # $opts holds several options
"$java" $opts -cp "$jar:$tests" dev.bootfleet.app.agent.FlatpakObserveBench "$apps" "$runs"
