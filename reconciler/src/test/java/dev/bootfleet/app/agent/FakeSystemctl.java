package dev.bootfleet.app.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A systemctl stand-in for health-check tests: a shell script that answers {@code systemctl show
 * --property=...} from one file per unit in its folder ({@code LOAD ACTIVE SUB}, e.g. {@code loaded active
 * running}); a unit without a file is {@code not-found inactive dead}, as systemd says of an unknown unit.
 */
final class FakeSystemctl {
  final Path dir;
  final Path script;

  FakeSystemctl(Path base) throws IOException {
    dir = Files.createDirectories(base.resolve("units"));
    script = base.resolve("systemctl");
    Files.writeString(script, """
        #!/bin/sh
        dir="$1"; shift
        [ "$1" = show ] || { echo "unexpected: $*" >&2; exit 2; }
        shift
        first=1
        for a in "$@"; do
          case "$a" in --*) continue;; esac
          [ $first = 1 ] || echo
          first=0
          if [ -f "$dir/$a" ]; then set -- $(cat "$dir/$a"); else set -- not-found inactive dead; fi
          printf 'Id=%s\\nLoadState=%s\\nActiveState=%s\\nSubState=%s\\n' "$a" "$1" "$2" "$3"
        done
        """);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The command for agent.yaml's {@code health.systemctl}. */
  List<String> command() {
    return List.of(script.toString(), dir.toString());
  }

  /** As YAML flow list. */
  String yaml() {
    return "[" + script + ", " + dir + "]";
  }

  FakeSystemctl unit(String name, String load, String active, String sub) throws IOException {
    Files.writeString(dir.resolve(name), load + " " + active + " " + sub + "\n");
    return this;
  }
}
