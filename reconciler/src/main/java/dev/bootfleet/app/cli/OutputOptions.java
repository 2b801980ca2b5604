package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.fs.AtomicFiles;
import dev.bootfleet.core.render.JUnitRenderer;
import dev.bootfleet.core.render.JsonRenderer;
import dev.bootfleet.core.render.MarkdownRenderer;
import dev.bootfleet.core.render.Report;
import dev.bootfleet.core.render.TextRenderer;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How a plan or drift report is printed, and where. */
final class OutputOptions {
  enum Format { text, markdown, json, junit }

  enum ColorMode { auto, always, never }

  @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Write the report to FILE (atomically) instead of standard output.")
  Path out;

  @Option(names = "--detailed-exitcode",
      description = "Exit 2 when any host differs from Git (drifted, held or unknown; for a change plan: when the "
          + "change touches a host); 0 when nothing does; 1 on error.")
  boolean detailedExitCode;

  @Option(names = "--diff-exit-code", paramLabel = "N", converter = DiffExitCode.class,
      description = "Exit N (2 to 125) instead of 2 when something differs, as Argo CD's app diff "
          + "--diff-exit-code (its users pick 20); implies --detailed-exitcode.")
  Integer diffExitCode;

  @Option(names = "--color", defaultValue = "auto", paramLabel = "WHEN",
      description = "Colour text output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: only on a terminal, "
          + "never when NO_COLOR is set).")
  ColorMode color;

  /**
   * Refuses an --out that is one of {@code inputs} (the same file, by whatever name or link): the report
   * would take the place of a manifest, a source or an observed document. Call it before anything is
   * written; nothing is when it throws.
   */
  void refuseInputs(Collection<Path> inputs) {
    if (out == null || out.toString().isEmpty()) {
      return;
    }
    Object key = fileKey(out);
    if (key == null) {
      return; // nothing there yet: not something this run read
    }
    inputs.parallelStream().filter(p -> key.equals(fileKey(p))).sorted().findFirst().ifPresent(p -> {
      throw new UserError("--out " + out + ": is a file this run reads (" + p + "); write the report"
          + " elsewhere");
    });
  }

  /** The device and inode {@code p} leads to, or null when nothing is there. */
  private static Object fileKey(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** Renders the report to --out or standard output, and returns the exit code it calls for. */
  int emit(Report report, PrintWriter stdout) {
    if (out == null) {
      try {
        render(report, stdout);
      } catch (IOException e) {
        throw new IllegalStateException("a PrintWriter does not throw", e);
      }
      stdout.flush();
    } else {
      writeAtomically(out, w -> render(report, w)); // streamed: a large fleet's report is never in memory twice
    }
    if (!report.plan().hasChanges()) {
      return Main.OK;
    }
    return diffExitCode != null ? diffExitCode : detailedExitCode ? Main.CHANGES : Main.OK;
  }

  /** An exit code that cannot be read as success (0), an error (1), or a shell's own (126 and up). */
  static final class DiffExitCode implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int n;
      try {
        n = Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        n = -1;
      }
      if (n < 2 || n > 125) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not an exit code from 2 to 125 (0 means"
            + " success and 1 an error)");
      }
      return n;
    }
  }

  private void render(Report report, Writer to) throws IOException {
    switch (format) {
      case text -> new TextRenderer(useColor()).render(report, to);
      case markdown -> new MarkdownRenderer().render(report, to);
      case json -> new JsonRenderer().render(report, to);
      case junit -> new JUnitRenderer().render(report, to);
    }
  }

  private boolean useColor() {
    return switch (color) {
      case always -> true;
      case never -> false;
      case auto -> out == null && format == Format.text && Terminal.isInteractive() && !noColor();
    };
  }

  private static boolean noColor() {
    String v = System.getenv("NO_COLOR");
    return v != null && !v.isEmpty();
  }

  /** What writes a file's content. */
  interface Content {
    void writeTo(Writer w) throws IOException;
  }

  /** As below, for a text in memory. */
  static void writeAtomically(Path target, String text) {
    writeAtomically(target, w -> w.write(text));
  }

  /**
   * Writes {@code target} through {@link AtomicFiles}: a file is replaced atomically (readers never see
   * half a report), a link followed, a device or FIFO ({@code /dev/stdout}, a pipe) written straight
   * through, anything else refused.
   */
  static void writeAtomically(Path target, Content content) {
    if (target.toString().isEmpty()) {
      throw new UserError("--out: an empty path (expected a file to write)");
    }
    Path abs = target.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      throw new UserError("--out " + target + ": is a folder (expected a file to write)");
    }
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new UserError("--out " + target + ": the folder " + dir + " does not exist");
    }
    try {
      AtomicFiles.write(abs, out -> {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        content.writeTo(w);
        w.flush();
      }, AtomicFiles.Attributes.userFile());
    } catch (AtomicFiles.NotWritable e) {
      throw new UserError("--out " + target + ": " + e.what());
    } catch (IOException e) {
      throw new UserError("--out " + target + ": cannot write: " + e.getMessage());
    }
  }
}
