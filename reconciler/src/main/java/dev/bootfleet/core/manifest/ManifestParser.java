package dev.bootfleet.core.manifest;

import dev.bootfleet.core.image.ImageRef;

import dev.bootfleet.core.manifest.Manifest.AppDecl;
import dev.bootfleet.core.manifest.Manifest.DriverDecl;
import dev.bootfleet.core.manifest.Manifest.ImageDecl;
import dev.bootfleet.core.manifest.Manifest.KargDecl;
import dev.bootfleet.core.manifest.Manifest.PackageDecl;
import dev.bootfleet.core.manifest.Manifest.RemoteDecl;
import dev.bootfleet.core.manifest.Manifest.Spec;
import dev.bootfleet.core.text.ByteSize;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.yaml.Pos;
import dev.bootfleet.core.yaml.YNode.YMap;
import dev.bootfleet.core.yaml.YNode.YScalar;
import dev.bootfleet.core.yaml.YNode.YSeq;
import dev.bootfleet.core.yaml.YNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one YAML document into a {@link Manifest}: the JSON Schema first, then the rules a schema cannot
 * say (reference grammar, digests, /etc paths, source paths, one of content or source). Pure: source
 * files are named here and read by {@link FleetLoader}.
 */
final class ManifestParser {
  private static final Set<String> KINDS = Set.of("Host", "HostGroup", "Rollout");
  private final String file;
  private final boolean requireDigests;
  private final List<Problem> problems = new ArrayList<>();
  private final Set<String> reportedFields = new HashSet<>();

  /**
   * The result for one document.
   *
   * @param manifest what could be built, or null; check {@link #valid()} before using it
   * @param valid whether the document has no errors
   * @param skipped whether the document is not a bootfleet manifest at all
   */
  record Result(Manifest manifest, boolean valid, List<Problem> problems, boolean skipped) {}

  private ManifestParser(String file, boolean requireDigests) {
    this.file = file;
    this.requireDigests = requireDigests;
  }

  static Result parse(YNode root, String file, boolean requireDigests) {
    return new ManifestParser(file, requireDigests).document(root);
  }

  private Result document(YNode root) {
    if (!(root instanceof YMap map)) {
      error(root.pos(), "", "expected a mapping with apiVersion, kind, metadata and spec, found a "
          + root.kindName());
      return done(null);
    }
    String apiVersion = text(map.get("apiVersion"));
    String kind = text(map.get("kind"));
    if (apiVersion == null || !apiVersion.startsWith(Manifest.GROUP + "/")) {
      if (kind != null && KINDS.contains(kind)) {
        YNode at = map.get("apiVersion") == null ? map : map.get("apiVersion");
        problems.add(Problem.warning(file, at.pos(), "apiVersion", "document skipped: " + (apiVersion == null
            ? "a " + kind + " without apiVersion (expected " + Manifest.API_VERSION + ")"
            : Quote.of(apiVersion) + " is not " + Manifest.API_VERSION)));
      }
      return new Result(null, false, problems, true);
    }
    if (!apiVersion.equals(Manifest.API_VERSION)) {
      error(map.get("apiVersion").pos(), "apiVersion", Quote.of(apiVersion) + " is not supported (expected "
          + Manifest.API_VERSION + ")");
      return done(null);
    }
    if (kind == null || !KINDS.contains(kind)) {
      YNode k = map.get("kind");
      error(k == null ? map.pos() : k.pos(), "kind", (k == null ? "missing" : SchemaCheck.describe(k)
          + " is not a known kind") + " (expected Host, HostGroup or Rollout)");
      return done(null);
    }
    for (Problem p : SchemaCheck.check(kind, root, file)) {
      problems.add(p);
      reportedFields.add(p.field());
    }
    YMap metadata = map.get("metadata") instanceof YMap m ? m : null;
    YMap specNode = map.get("spec") instanceof YMap m ? m : null;
    String name = metadata == null ? null : text(metadata.get("name"));
    Origin origin = new Origin(file, map.pos());
    if (kind.equals("Rollout")) {
      RolloutPolicy policy = specNode == null ? null : new RolloutReader(this).policy(specNode);
      return done(name == null || policy == null ? null
          : new Manifest.Rollout(name, policy, origin, metadata.get("name").pos()));
    }
    Spec spec = specNode == null ? new Spec(null, List.of(), List.of()) : spec(specNode, origin);
    Manifest manifest = null;
    if (name != null) {
      Pos namePos = metadata.get("name").pos();
      if (kind.equals("Host")) {
        manifest = new Manifest.Host(name, stringMap(metadata.get("labels")),
            stringMap(metadata.get("annotations")), spec, origin, namePos);
      } else if (specNode != null) {
        manifest = new Manifest.HostGroup(name, priority(specNode.get("priority")),
            selector(specNode.get("selector"), "spec.selector"), spec, origin, namePos);
      }
    }
    return done(manifest);
  }

  private Result done(Manifest manifest) {
    boolean errors = problems.stream().anyMatch(Problem::isError);
    return new Result(manifest, !errors, problems, false);
  }

  private Spec spec(YMap spec, Origin origin) {
    ImageDecl image = spec.get("image") instanceof YMap m ? image(m) : null;
    List<EtcEntry> etc = new ArrayList<>();
    if (spec.get("etc") instanceof YSeq seq) {
      Map<String, Pos> seen = new HashMap<>();
      for (int i = 0; i < seq.items().size(); i++) {
        if (seq.items().get(i) instanceof YMap m) {
          EtcEntry e = etcEntry(m, "spec.etc[" + i + "]");
          if (e != null) {
            Pos first = seen.putIfAbsent(e.path(), m.pos());
            if (first != null) {
              error(m.get("path").pos(), "spec.etc[" + i + "].path", Quote.of(e.path())
                  + " is declared twice in this manifest (first at line " + first.line() + ")");
            } else {
              etc.add(e);
            }
          }
        }
      }
    }
    List<KargDecl> kargs = spec.get("kargs") instanceof YMap m ? kargs(m) : List.of();
    DriverDecl driver = driver(spec);
    List<PackageDecl> packages = spec.get("packages") instanceof YMap m ? packages(m) : List.of();
    List<RemoteDecl> remotes = new ArrayList<>();
    List<AppDecl> apps = new ArrayList<>();
    if (spec.get("flatpak") instanceof YMap m) {
      remotes(m, remotes);
      apps(m, apps);
    }
    advise(spec, driver, packages, kargs);
    return new Spec(image, etc, kargs, driver, packages, remotes, apps);
  }

  private DriverDecl driver(YMap spec) {
    String id = text(spec.get("driver"));
    if (id == null || reportedFields.contains("spec.driver")) {
      return null;
    }
    try {
      return new DriverDecl(HostDriverKind.of(id), new Origin(file, spec.get("driver").pos()));
    } catch (IllegalArgumentException e) {
      return null; // the schema has said so
    }
  }

  /**
   * Warns where bootc advises the image instead of the host (packages, kernel arguments), and refuses
   * packages for a manifest that names the bootc driver, which cannot layer them.
   */
  private void advise(YMap spec, DriverDecl driver, List<PackageDecl> packages, List<KargDecl> kargs) {
    if (!packages.isEmpty()) {
      if (driver != null && (driver.kind() == HostDriverKind.BOOTC || driver.kind() == HostDriverKind.OSTREE)) {
        error(spec.get("driver").pos(), "spec.driver", driver.kind().id() + " cannot layer packages (spec.packages at line "
            + spec.keyPos("packages").line() + "): install them in the image, or use driver rpm-ostree");
      } else {
        problems.add(Problem.warning(file, spec.keyPos("packages"), "spec.packages", "layered packages: bootc"
            + " advises installing them in the image instead (RUN dnf install in the Containerfile); layering"
            + " makes the deployment incompatible with bootc, and only rpm-ostree can update it"));
      }
    }
    if (!kargs.isEmpty() && (driver == null || driver.kind() != HostDriverKind.RPM_OSTREE)) {
      problems.add(Problem.warning(file, spec.keyPos("kargs"), "spec.kargs", "host-local kernel arguments:"
          + " bootc advises shipping them in the image instead (/usr/lib/bootc/kargs.d/*.toml), where every"
          + " switch and upgrade applies them"));
    }
  }

  private List<PackageDecl> packages(YMap m) {
    List<PackageDecl> out = new ArrayList<>();
    Map<String, Boolean> seen = new HashMap<>();
    for (String key : List.of("install", "remove")) {
      if (!(m.get(key) instanceof YSeq seq)) {
        continue;
      }
      for (int i = 0; i < seq.items().size(); i++) {
        YNode item = seq.items().get(i);
        String name = text(item);
        String field = "spec.packages." + key + "[" + i + "]";
        if (name == null || reportedFields.contains(field)) {
          continue;
        }
        if (!FlatpakNames.isPackage(name)) { // what the schema's pattern lets through ("a\n")
          error(item.pos(), field, SchemaCheck.describe(item) + " is not " + FlatpakNames.PACKAGE_FORM);
          continue;
        }
        boolean install = key.equals("install");
        Boolean other = seen.put(name, install);
        if (other != null && other != install) {
          error(item.pos(), field, Quote.of(name) + " is both installed and removed");
        }
        out.add(new PackageDecl(name, install, new Origin(file, item.pos())));
      }
    }
    return out;
  }

  private void remotes(YMap flatpak, List<RemoteDecl> out) {
    if (!(flatpak.get("remotes") instanceof YSeq seq)) {
      return;
    }
    Map<String, Pos> seen = new HashMap<>();
    for (int i = 0; i < seq.items().size(); i++) {
      String field = "spec.flatpak.remotes[" + i + "]";
      if (!(seq.items().get(i) instanceof YMap m)) {
        continue;
      }
      String name = text(m.get("name"));
      String url = text(m.get("url"));
      if (name == null || url == null) {
        continue;
      }
      boolean ok = check(m.get("name"), field + ".name", FlatpakNames.isRemoteName(name), FlatpakNames.REMOTE_FORM);
      ok &= check(m.get("url"), field + ".url", FlatpakNames.isPlainUrl(url) || validUrl(url), FlatpakNames.URL_FORM);
      FlatpakInstallation installation = installation(m);
      if (!ok || installation == null || reported(field)) {
        continue;
      }
      RemoteDecl decl = new RemoteDecl(new FlatpakRemote(name, url, installation), new Origin(file, m.pos()));
      Pos first = seen.putIfAbsent(decl.key(), m.pos());
      if (first != null) {
        error(m.get("name").pos(), field + ".name", "remote " + Quote.of(name) + " (" + installation.id()
            + " installation) is declared twice in this manifest (first at line " + first.line() + ")");
      } else {
        out.add(decl);
      }
    }
  }

  /** The schema's {@code ^(https?|file)://\S+$}, for URLs the plain form leaves out (non-ASCII). */
  private static boolean validUrl(String url) {
    return url.matches("(https?|file)://\\S+");
  }

  private void apps(YMap flatpak, List<AppDecl> out) {
    if (!(flatpak.get("apps") instanceof YSeq seq)) {
      return;
    }
    Map<String, Pos> seen = new HashMap<>();
    for (int i = 0; i < seq.items().size(); i++) {
      String field = "spec.flatpak.apps[" + i + "]";
      if (!(seq.items().get(i) instanceof YMap m)) {
        continue;
      }
      FlatpakApp app = app(m, field);
      if (app == null) {
        continue;
      }
      Pos first = seen.putIfAbsent(app.key(), m.pos());
      if (first != null) {
        error(m.pos(), field, "app " + app.id() + " (branch " + app.branch() + ", " + app.installation().id()
            + " installation) is declared twice in this manifest (first at line " + first.line() + ")");
      } else {
        out.add(new AppDecl(app, new Origin(file, m.pos())));
      }
    }
  }

  private FlatpakApp app(YMap m, String field) {
    String ref = text(m.get("ref"));
    String id = text(m.get("id"));
    boolean absent = "absent".equals(text(m.get("state")));
    boolean ok = true;
    String arch = text(m.get("arch"));
    String branch = text(m.get("branch"));
    if (m.get("ref") != null && m.get("id") != null) {
      error(m.keyPos("id"), field, "needs one of ref or id, found both (id with branch and arch is the same as"
          + " a ref)");
      return null;
    }
    if (m.get("ref") == null && m.get("id") == null) {
      error(m.pos(), field, "needs ref (" + FlatpakNames.REF_FORM + ") or id, found neither");
      return null;
    }
    if (ref == null && id == null) {
      return null; // not text: the schema has said so
    }
    if (ref != null) {
      if (reportedFields.contains(field + ".ref")) {
        return null;
      }
      for (String key : List.of("arch", "branch")) {
        if (m.get(key) != null) {
          error(m.keyPos(key), field + "." + key, "is not allowed with ref (the ref names the " + key
              + "; use id, branch and arch instead of ref)");
          ok = false;
        }
      }
      try {
        FlatpakNames.Ref parts = FlatpakNames.parseRef(ref);
        id = parts.id();
        arch = parts.arch();
        branch = parts.branch();
      } catch (IllegalArgumentException e) {
        error(m.get("ref").pos(), field + ".ref", e.getMessage());
        return null;
      }
    } else {
      ok &= check(m.get("id"), field + ".id", FlatpakNames.isAppId(id), FlatpakNames.ID_FORM);
      ok &= arch == null || check(m.get("arch"), field + ".arch", FlatpakNames.isArch(arch), FlatpakNames.ARCH_FORM);
      ok &= branch == null
          || check(m.get("branch"), field + ".branch", FlatpakNames.isBranch(branch), FlatpakNames.BRANCH_FORM);
      branch = branch == null ? "stable" : branch;
    }
    String remote = text(m.get("remote"));
    String commit = text(m.get("commit"));
    if (remote != null) {
      ok &= check(m.get("remote"), field + ".remote", FlatpakNames.isRemoteName(remote), FlatpakNames.REMOTE_FORM);
    } else if (!absent && !reportedFields.contains(field + ".state")) {
      error(m.pos(), field + ".remote", "missing required key 'remote' (the remote to install from, declared"
          + " under spec.flatpak.remotes; only state: absent needs none)");
      ok = false;
    }
    if (commit != null) {
      if (absent) {
        error(m.keyPos("commit"), field + ".commit", "is not allowed with state: absent (the app is removed)");
        ok = false;
      } else {
        ok &= check(m.get("commit"), field + ".commit", FlatpakNames.isCommit(commit), FlatpakNames.COMMIT_FORM);
      }
    }
    FlatpakInstallation installation = installation(m);
    if (!ok || installation == null || reported(field)) {
      return null;
    }
    return new FlatpakApp(id, arch, branch, remote, installation, commit, absent);
  }

  /** The installation named ({@code system} when none), or null when the schema refused it. */
  private static FlatpakInstallation installation(YMap m) {
    String t = text(m.get("installation"));
    try {
      return t == null ? FlatpakInstallation.SYSTEM : FlatpakInstallation.of(t);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Reports {@code node} as not of {@code form} unless {@code valid}; the schema's patterns catch most
   * such values first (then this says nothing more), but not all: a pattern also matches before a final
   * newline.
   */
  private boolean check(YNode node, String field, boolean valid, String form) {
    if (reportedFields.contains(field)) {
      return false;
    }
    if (!valid) {
      error(node.pos(), field, SchemaCheck.describe(node) + " is not " + form);
    }
    return valid;
  }

  /** Whether the schema already reported {@code field} or anything inside it. */
  boolean reported(String field) {
    return reportedFields.stream().anyMatch(f -> f.equals(field) || f.startsWith(field + ".")
        || f.startsWith(field + "["));
  }

  private ImageDecl image(YMap m) {
    if (m.get("ostree") != null) {
      return m.get("ref") != null ? null : ostree(m); // both: the schema's oneOf has said so
    }
    String ref = text(m.get("ref"));
    if (ref == null || reportedFields.contains("spec.image.ref")) {
      return null;
    }
    Transport transport;
    try {
      transport = Transport.of(text(m.get("transport")));
    } catch (IllegalArgumentException e) {
      return null; // the schema has said so
    }
    boolean enforce = m.get("enforceSignaturePolicy") instanceof YScalar s && "true".equalsIgnoreCase(s.text());
    Pos at = m.get("ref").pos();
    ImageRef parsed = null;
    if (transport == Transport.OCI) {
      String path = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
      if (!path.startsWith("/")) {
        error(at, "spec.image.ref", Quote.of(ref) + " is not an absolute path (expected /path/to/layout[:tag] "
            + "for the oci transport)");
        return null;
      }
    } else {
      try {
        parsed = ImageRef.parse(ref);
      } catch (IllegalArgumentException e) {
        error(at, "spec.image.ref", e.getMessage());
        return null;
      }
      if (parsed.digest() == null) {
        String msg = Quote.of(ref) + " is not pinned to a digest; hosts would follow whatever the tag points"
            + " to (run 'bootfleet pin' or add @sha256:<digest>)";
        problems.add(requireDigests ? Problem.error(file, at, "spec.image.ref", msg)
            : Problem.warning(file, at, "spec.image.ref", msg));
      }
    }
    return new ImageDecl(new ImageSpec(ref, transport, enforce, parsed), new Origin(file, m.pos()));
  }

  /**
   * {@code spec.image.ostree}: the ref and commit (an unpinned ref is a warning, an error with {@code
   * requireDigests}, as an unpinned tag is), and the remote's URL when declared. GPG verification is never
   * turned off by bootfleet: {@code gpgVerify: false} is refused.
   */
  private ImageDecl ostree(YMap image) {
    boolean ok = true;
    for (String key : List.of("transport", "enforceSignaturePolicy")) {
      if (image.get(key) != null) {
        error(image.keyPos(key), "spec.image." + key, "applies to an OCI image (spec.image.ref) only; an ostree"
            + " commit is pulled from its remote and checked with the remote's GPG keys");
        ok = false;
      }
    }
    if (!(image.get("ostree") instanceof YMap m) || reported("spec.image.ostree")) {
      return null;
    }
    if (m.get("gpgVerify") instanceof YScalar g && "false".equalsIgnoreCase(g.text())) {
      error(g.pos(), "spec.image.ostree.gpgVerify", "false is refused: bootfleet never turns GPG verification"
          + " off (leave gpgVerify out, and sign the commits with a key the host trusts)");
      ok = false;
    }
    String remote = text(m.get("remote"));
    String ref = text(m.get("ref"));
    String commit = text(m.get("commit"));
    if (!ok || remote == null || ref == null) {
      return null;
    }
    if (commit == null) {
      String msg = Quote.of(remote + ":" + ref) + " is not pinned to a commit; hosts would follow whatever the"
          + " ref points to (add commit: <64 hex>, from ostree log " + remote + ":" + ref + ")";
      problems.add(requireDigests ? Problem.error(file, m.keyPos("ref"), "spec.image.ostree.commit", msg)
          : Problem.warning(file, m.keyPos("ref"), "spec.image.ostree.commit", msg));
    }
    OstreeTarget target;
    try {
      target = new OstreeTarget(remote, ref, commit, text(m.get("url")));
    } catch (IllegalArgumentException e) { // what the schema's patterns let through
      error(m.pos(), "spec.image.ostree", e.getMessage());
      return null;
    }
    return new ImageDecl(ImageSpec.of(target), new Origin(file, image.pos()));
  }

  private EtcEntry etcEntry(YMap m, String field) {
    String path = text(m.get("path"));
    if (path == null) {
      return null;
    }
    boolean ok = true;
    var pathProblem = EtcPaths.problem(path);
    if (pathProblem.isPresent()) {
      error(m.get("path").pos(), field + ".path", pathProblem.get());
      ok = false;
    }
    boolean absent = "absent".equals(text(m.get("state")));
    YNode content = m.get("content");
    YNode source = m.get("source");
    if (reportedFields.contains(field + ".state")) {
      ok = false; // present or absent is not known: which of content and source it needs is neither
    } else if (absent) {
      for (String key : List.of("content", "source", "template", "mode", "owner", "group")) {
        if (m.get(key) != null) {
          error(m.keyPos(key), field + "." + key, "is not allowed with state: absent (the file is removed)");
          ok = false;
        }
      }
    } else if (content == null && source == null) {
      error(m.pos(), field, "needs exactly one of content or source (or state: absent), found neither");
      ok = false;
    } else if (content != null && source != null) {
      error(m.keyPos("source"), field, "needs exactly one of content or source, found both");
      ok = false;
    }
    String inline = text(content);
    long size = inline == null ? 0 : utf8Length(inline);
    if (size > FileContent.MAX_BYTES) {
      error(content.pos(), field + ".content", "is larger than " + ByteSize.of(FileContent.MAX_BYTES)
          + " (" + size + " bytes; bake large files into the image)");
      ok = false;
    }
    String sourcePath = null;
    if (source != null && text(source) != null) {
      try {
        sourcePath = RepoPaths.resolve(RepoPaths.dirOf(file), text(source));
      } catch (IllegalArgumentException e) {
        error(source.pos(), field + ".source", e.getMessage());
        ok = false;
      }
    }
    Integer mode = mode(m.get("mode"), field + ".mode");
    if (mode == null || !ok || reportedFields.stream().anyMatch(f -> f.equals(field) || f.startsWith(field + "."))) {
      return null;
    }
    boolean template = m.get("template") instanceof YScalar t && "true".equalsIgnoreCase(t.text());
    YNode value = content != null ? content : source;
    return new EtcEntry(path, absent, sourcePath, inline == null ? null : FileContent.of(inline), template, mode,
        account(m.get("owner")), account(m.get("group")), new Origin(file, m.pos()), field,
        value == null ? m.pos() : value.pos(), sourcePath == null ? null : text(source));
  }

  /** The length of {@code s} in UTF-8, which is what is written to the host. */
  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4
    }
    return n;
  }

  private Integer mode(YNode node, String field) {
    if (node == null) {
      return 0644;
    }
    if (!(node instanceof YScalar s) || reportedFields.contains(field)) {
      return null;
    }
    String t = s.text().startsWith("0o") ? s.text().substring(2) : s.text();
    try {
      int v = Integer.parseInt(t, 8);
      if (v > 07777) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      error(node.pos(), field, SchemaCheck.describe(node) + " is not " + SchemaCheck.MODE);
      return null;
    }
  }

  private static String account(YNode node) {
    String t = text(node);
    return t == null ? "root" : t;
  }

  private List<KargDecl> kargs(YMap m) {
    List<KargDecl> out = new ArrayList<>();
    Map<String, Boolean> seen = new HashMap<>();
    for (String key : List.of("append", "delete")) {
      if (m.get(key) instanceof YSeq seq) {
        for (int i = 0; i < seq.items().size(); i++) {
          YNode item = seq.items().get(i);
          String karg = text(item);
          if (karg == null) {
            continue;
          }
          boolean append = key.equals("append");
          Boolean other = seen.put(karg, append);
          if (other != null && other != append) {
            error(item.pos(), "spec.kargs." + key + "[" + i + "]", Quote.of(karg)
                + " is both appended and deleted");
          }
          out.add(new KargDecl(karg, append, new Origin(file, item.pos())));
        }
      }
    }
    return out;
  }

  /**
   * The priority as the schema read it: any core-schema integer ({@code 10}, {@code +10}, {@code 0x10},
   * {@code 0o17}). One the schema refused (too large, not an integer) counts as 0; it is reported.
   */
  private static int priority(YNode node) {
    if (node instanceof YScalar s && s.type() == YScalar.Type.INT) {
      var json = dev.bootfleet.core.yaml.JsonView.of(s);
      if (json.canConvertToInt()) {
        return json.intValue();
      }
    }
    return 0;
  }

  LabelSelector selector(YNode node, String selectorField) {
    if (!(node instanceof YMap m)) {
      return new LabelSelector(Map.of(), List.of());
    }
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    if (m.get("matchExpressions") instanceof YSeq seq) {
      for (int i = 0; i < seq.items().size(); i++) {
        if (!(seq.items().get(i) instanceof YMap r)) {
          continue;
        }
        String key = text(r.get("key"));
        String op = text(r.get("operator"));
        if (key == null || op == null) {
          continue;
        }
        LabelSelector.Operator operator;
        try {
          operator = LabelSelector.Operator.valueOf(op);
        } catch (IllegalArgumentException e) {
          continue; // the schema has said so
        }
        List<String> values = strings(r.get("values"));
        String field = selectorField + ".matchExpressions[" + i + "]";
        boolean needsValues = operator == LabelSelector.Operator.In || operator == LabelSelector.Operator.NotIn;
        if (needsValues && values.isEmpty()) {
          error(r.get("values") == null ? r.pos() : r.get("values").pos(), field + ".values", "operator " + op
              + " needs a non-empty values list");
        } else if (!needsValues && r.get("values") != null) {
          error(r.keyPos("values"), field + ".values", "operator " + op + " takes no values");
        }
        reqs.add(new LabelSelector.Requirement(key, operator, values));
      }
    }
    return new LabelSelector(stringMap(m.get("matchLabels")), reqs);
  }

  void error(Pos pos, String field, String message) {
    if (reportedFields.add(field) || field.isEmpty()) {
      problems.add(Problem.error(file, pos, field, message));
    }
  }

  /** The text of a scalar that is not null, else null (mappings, sequences and nulls have none). */
  static String text(YNode node) {
    if (node instanceof YScalar s && !(s.plain() && s.type() == YScalar.Type.NULL)) {
      return s.text();
    }
    return null;
  }

  static List<String> strings(YNode node) {
    List<String> out = new ArrayList<>();
    if (node instanceof YSeq seq) {
      for (YNode n : seq.items()) {
        String t = text(n);
        if (t != null) {
          out.add(t);
        }
      }
    }
    return out;
  }

  private static Map<String, String> stringMap(YNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node instanceof YMap m) {
      m.entries().forEach((k, e) -> {
        String t = text(e.value());
        if (t != null) {
          out.put(k, t);
        }
      });
    }
    return out;
  }
}
