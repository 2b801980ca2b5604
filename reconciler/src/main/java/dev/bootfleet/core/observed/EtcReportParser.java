package dev.bootfleet.core.observed;

import dev.bootfleet.core.manifest.FileContent;
import dev.bootfleet.core.manifest.FlatpakApp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an agent's {@code EtcReport}: JSON (YAML is accepted too, by the same rule as {@link
 * BootcStatusParser}), checked against {@code schema/etc-report.schema.json}.
 *
 * <p>Errors: every schema violation is reported in one exception, {@code "<origin>: <path>:
 * <message>; <path>: <message>"} (the first 10, then {@code "; and N more"}). The checks a schema
 * cannot express come after and report the first failure only, as {@code "<origin>: <path>:
 * <problem> (expected <form>)"}: {@code .}/{@code ..} path segments, a path listed twice, and
 * content whose UTF-8 bytes do not hash to {@code sha256}, and a Flatpak remote or app listed twice
 * in one installation.
 */
public final class EtcReportParser {
  private static final String DOCUMENT = "an EtcReport object in JSON";

  private EtcReportParser() {}

  /** Pure: parses and validates one report. */
  public static EtcReport parse(String text, String origin) throws ObservedStateException {
    return parse(SourceDocument.read(text, origin, DOCUMENT), origin);
  }

  /** Pure: the same as {@link #parse(String, String)} on UTF-8 bytes (faster for JSON). */
  public static EtcReport parse(byte[] utf8, String origin) throws ObservedStateException {
    return parse(SourceDocument.read(utf8, origin, DOCUMENT), origin);
  }

  private static EtcReport parse(tools.jackson.databind.JsonNode tree, String origin) throws ObservedStateException {
    Field root = Field.root(origin, tree);
    EtcReportSchema.check(root.node(), origin);

    String host = root.get("host").text("a host name");
    List<EtcFileState> files = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Field f : root.get("files").optItems("an array of files")) {
      EtcFileState file = file(f);
      String first = seen.putIfAbsent(file.path(), f.path());
      if (first != null) {
        throw f.get("path").fail("found " + Field.quote(file.path()) + " again, first at " + first,
            "each path once");
      }
      files.add(file);
    }
    List<String> kargs = null;
    if (!root.get("kargs").missing()) {
      kargs = new ArrayList<>();
      for (Field k : root.get("kargs").optItems("an array of kernel arguments")) {
        kargs.add(k.text("a kernel argument"));
      }
    }
    List<String> kernelArgs = kargs;
    FlatpakState flatpak = flatpak(root.get("flatpak"));
    List<EtcReport.NotAFile> notFiles = new ArrayList<>();
    for (Field n : root.get("notFiles").optItems("an array of paths that are not regular files")) {
      String path = n.get("path").text(EtcFileState.PATH_FORM);
      if (!EtcFileState.isEtcPath(path) || seen.containsKey(path)) {
        throw n.get("path").fail("found " + Field.quote(path), seen.containsKey(path)
            ? "a path not also listed in files" : EtcFileState.PATH_FORM);
      }
      notFiles.add(new EtcReport.NotAFile(path, n.get("what").text("one line saying what was found")));
    }
    return root.build(() -> new EtcReport(host, files, kernelArgs, flatpak, notFiles));
  }

  /** The {@code flatpak} member, {@code null} when absent or null (not reported). */
  private static FlatpakState flatpak(Field fp) throws ObservedStateException {
    if (fp.optObject("an object with remotes and apps, or null") == null) {
      return null;
    }
    List<FlatpakState.Remote> remotes = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (Field r : fp.get("remotes").optItems("an array of remotes")) {
      String installation = r.get("installation").text("system or user");
      String name = r.get("name").text("a remote name");
      String url = r.get("url").text("the remote's URL");
      String first = seen.putIfAbsent("remote " + installation + " " + name, r.path());
      if (first != null) {
        throw r.get("name").fail("found " + Field.quote(name) + " again in the " + installation
            + " installation, first at " + first, "each remote once per installation");
      }
      remotes.add(r.build(() -> new FlatpakState.Remote(installation, name, url)));
    }
    List<FlatpakState.App> apps = new ArrayList<>();
    for (Field a : fp.get("apps").optItems("an array of apps")) {
      String installation = a.get("installation").text("system or user");
      String id = a.get("id").text("an application ID");
      String arch = a.get("arch").text("an architecture");
      String branch = a.get("branch").text("a branch");
      String origin = a.get("origin").text("a remote name");
      String commit = a.get("commit").text(Formats.SHA256_FORM);
      boolean masked = a.get("masked").optBool();
      String ref = FlatpakApp.ref(id, arch, branch);
      String first = seen.putIfAbsent("app " + installation + " " + ref, a.path());
      if (first != null) {
        throw a.get("id").fail("found " + ref + " again in the " + installation + " installation, first at "
            + first, "each app once per installation");
      }
      apps.add(a.build(() -> new FlatpakState.App(installation, id, arch, branch, origin, commit, masked)));
    }
    return fp.build(() -> new FlatpakState(remotes, apps));
  }

  private static EtcFileState file(Field f) throws ObservedStateException {
    Field p = f.get("path");
    String path = p.text(EtcFileState.PATH_FORM);
    if (!EtcFileState.isEtcPath(path)) {
      throw p.fail("found " + Field.quote(path), EtcFileState.PATH_FORM);
    }
    String sha256 = f.get("sha256").text(Formats.SHA256_FORM);
    String content = f.get("content").optContent("the file's text, or null");
    if (content != null && !sha256(content).equals(sha256)) {
      throw f.get("content").fail("its UTF-8 bytes hash to " + sha256(content),
          "content matching sha256 " + sha256);
    }
    String mode = f.get("mode").text("4 octal digits such as 0644");
    String owner = f.get("owner").text("a user name or uid");
    String group = f.get("group").text("a group name or gid");
    // Interned: a fleet's reports repeat the same paths, modes, owners and (for shared files) checksums
    // on every host; one copy each keeps the live set, and so garbage collection, small.
    return f.build(() -> new EtcFileState(path.intern(), sha256.intern(), mode.intern(), owner.intern(),
        group.intern(), content));
  }

  private static String sha256(String text) {
    return FileContent.sha256(text.getBytes(StandardCharsets.UTF_8));
  }
}
