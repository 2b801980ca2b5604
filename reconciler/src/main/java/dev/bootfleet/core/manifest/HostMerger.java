package dev.bootfleet.core.manifest;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.bootfleet.core.manifest.Manifest.Host;
import dev.bootfleet.core.manifest.Manifest.HostGroup;
import dev.bootfleet.core.manifest.Manifest.KargDecl;
import dev.bootfleet.core.manifest.Manifest.Spec;
import dev.bootfleet.core.text.Quote;
import dev.bootfleet.core.text.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Merges a host with the groups whose selectors match it.
 *
 * <p>The rules, in full: layers are the matching groups ordered by {@code priority} (low to high, then
 * by name) and the host itself on top. For each value — the image as a whole, the driver, each /etc
 * file by path, each kernel argument by its text, each Flatpak remote by installation and name, each
 * Flatpak app by installation, ID and branch — the highest layer that sets it wins. Packages add up
 * over the layers instead (a name both installed and removed is an error). When two groups of the same
 * priority set the same value differently and nothing above them decides, that is an error naming both.
 * Templates are rendered after merging, per host. Thread-safe.
 */
final class HostMerger {
  static final Comparator<HostGroup> GROUP_ORDER = Comparator.comparingInt(HostGroup::priority)
      .thenComparing(HostGroup::name);

  private static final Mustache.Compiler MUSTACHE = Mustache.compiler().escapeHTML(false).strictSections(true)
      .withLoader(name -> {
        throw new MustacheException("partials are not supported ({{> " + name + "}})");
      });
  private final List<HostGroup> groups;
  /** Each group's layer, made once rather than once per host. */
  private final List<Layer> groupLayers;
  private final Map<String, Object> templates = new ConcurrentHashMap<>();

  /** @param sources which layer gave each value of {@code host} (empty when it is null) */
  record Merged(DesiredHost host, List<Problem> problems, List<Provenance> sources) {
    Merged(DesiredHost host, List<Problem> problems) {
      this(host, problems, List.of());
    }
  }

  /** One source of values: a group or the host, with its rank (the host outranks every group). */
  private record Layer(String label, String from, int rank, Spec spec, Origin origin) {
    static Layer of(String kind, String name, int rank, Spec spec, Origin origin) {
      return new Layer(kind + " \"" + name + "\"", kind + " " + name, rank, spec, origin);
    }
  }

  /** A value declared by a layer. */
  private record Decl<T>(Layer layer, T value) {}

  HostMerger(List<HostGroup> groupsInOrder) {
    this.groups = groupsInOrder;
    this.groupLayers = groupsInOrder.stream()
        .map(g -> Layer.of("group", g.name(), g.priority(), g.spec(), g.origin())).toList();
  }

  Merged merge(Host host) {
    List<Layer> layers = new ArrayList<>();
    List<String> matched = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      HostGroup g = groups.get(i);
      if (g.selector().matches(host.labels())) {
        layers.add(groupLayers.get(i));
        matched.add(g.name());
      }
    }
    layers.add(Layer.of("host", host.name(), Integer.MAX_VALUE, host.spec(), host.origin()));
    List<Problem> problems = new ArrayList<>();
    Conflicts conflicts = new Conflicts(host, problems);

    List<Decl<Manifest.ImageDecl>> images = new ArrayList<>();
    TreeMap<String, List<Decl<EtcEntry>>> files = new TreeMap<>();
    TreeMap<String, List<Decl<KargDecl>>> kargs = new TreeMap<>();
    for (Layer l : layers) {
      if (l.spec().image() != null) {
        images.add(new Decl<>(l, l.spec().image()));
      }
      l.spec().etc().forEach(e -> files.computeIfAbsent(e.path(), k -> new ArrayList<>()).add(new Decl<>(l, e)));
      l.spec().kargs().forEach(k -> kargs.computeIfAbsent(k.karg(), x -> new ArrayList<>()).add(new Decl<>(l, k)));
    }

    Decl<Manifest.ImageDecl> image = conflicts.winner("spec.image", null, images,
        (a, b) -> a.spec().equals(b.spec()), Manifest.ImageDecl::origin, d -> List.of(Quote.of(d.spec().ref()),
            "transport " + d.spec().transport(), "enforceSignaturePolicy " + d.spec().enforceSignaturePolicy()));
    if (image == null && images.isEmpty()) {
      problems.add(Problem.error(host.origin().file(), host.origin().pos(), "spec.image", "host \""
          + host.name() + "\" has no image (set spec.image, or match a group that sets one)"));
    }
    List<Provenance> sources = new ArrayList<>(); // recorded as each winner is chosen
    if (image != null) {
      sources.add(new Provenance("spec.image", image.value().spec().ref(), where(image)));
    }
    List<EtcFile> etc = new ArrayList<>();
    files.forEach((path, decls) -> {
      Decl<EtcEntry> w = conflicts.winner("spec.etc", path, decls, EtcEntry::sameValue,
          e -> new Origin(e.origin().file(), e.valuePos()), HostMerger::shown);
      if (w != null) {
        EtcFile f = render(host, w, problems);
        if (f != null) {
          etc.add(f);
          sources.add(new Provenance("spec.etc[" + path + "]", f.absent() ? "absent"
              : f.modeString() + " " + f.owner() + ":" + f.group() + ", " + f.content().size() + " bytes", where(w)));
        }
      }
    });
    checkFileDirClashes(host, etc, problems);
    TreeSet<String> append = new TreeSet<>();
    TreeSet<String> delete = new TreeSet<>();
    kargs.forEach((karg, decls) -> {
      Decl<KargDecl> w = conflicts.winner("spec.kargs", karg, decls,
          (a, b) -> a.append() == b.append(), KargDecl::origin, k -> List.of(k.append() ? "append" : "delete"));
      if (w != null) {
        (w.value().append() ? append : delete).add(karg);
        sources.add(new Provenance("spec.kargs[" + karg + "]", w.value().append() ? "append" : "delete", where(w)));
      }
    });
    List<Decl<Manifest.DriverDecl>> drivers = new ArrayList<>();
    layers.stream().filter(l -> l.spec().driver() != null)
        .forEach(l -> drivers.add(new Decl<>(l, l.spec().driver())));
    Decl<Manifest.DriverDecl> driverDecl = conflicts.winner("spec.driver", null, drivers,
        (a, b) -> a.kind() == b.kind(), Manifest.DriverDecl::origin, d -> List.of(Quote.of(d.kind().id())));
    HostDriverKind driver = driverDecl == null ? HostDriverKind.AUTO : driverDecl.value().kind();
    if (driverDecl != null) {
      sources.add(new Provenance("spec.driver", driver.id(), where(driverDecl)));
    }
    if (image != null && driverDecl != null && driverCannotDeploy(driver, image.value().spec())) {
      problems.add(Problem.error(host.origin().file(), host.origin().pos(), "spec.driver", "host \""
          + host.name() + "\" gets driver " + driver.id() + " from " + where(driverDecl) + " and "
          + (image.value().spec().isOstree() ? "an ostree commit" : "an OCI image") + " from " + where(image)
          + (driver == HostDriverKind.BOOTC ? " (bootc deploys OCI images only; use driver rpm-ostree or ostree)"
          : " (the ostree driver deploys ostree commits only; use driver bootc or rpm-ostree)")));
    }
    Packages packages = packages(host, layers, driver, driverDecl, problems, sources);
    Flatpaks flatpak = flatpak(host, layers, conflicts, problems, sources);
    if (problems.stream().anyMatch(Problem::isError) || image == null) {
      return new Merged(null, problems);
    }
    return new Merged(new DesiredHost(host.name(), host.labels(), image.value().spec(), etc,
        new Kargs(append, delete), driver, packages, flatpak, matched, host.origin().file()), problems,
        List.copyOf(sources));
  }

  /**
   * Packages are the union over the layers: a host cannot drop a group's package, and one name both
   * installed and removed is an error naming both declarations. bootc, which cannot layer, takes none.
   */
  private static Packages packages(Host host, List<Layer> layers, HostDriverKind driver,
      Decl<Manifest.DriverDecl> driverDecl, List<Problem> problems, List<Provenance> sources) {
    TreeMap<String, Decl<Manifest.PackageDecl>> install = new TreeMap<>();
    TreeMap<String, Decl<Manifest.PackageDecl>> remove = new TreeMap<>();
    for (Layer l : layers) {
      for (Manifest.PackageDecl p : l.spec().packages()) {
        (p.install() ? install : remove).putIfAbsent(p.name(), new Decl<>(l, p));
      }
    }
    if (install.isEmpty() && remove.isEmpty()) {
      return Packages.NONE;
    }
    boolean ok = true;
    for (var e : install.entrySet()) {
      Decl<Manifest.PackageDecl> r = remove.get(e.getKey());
      if (r != null) {
        problems.add(Problem.error(host.origin().file(), host.origin().pos(), "spec.packages[" + e.getKey() + "]",
            "host \"" + host.name() + "\" gets package \"" + e.getKey() + "\" to install from "
            + where(e.getValue()) + " and to remove from " + where(r) + " (declare it once)"));
        ok = false;
      }
    }
    if (driver == HostDriverKind.BOOTC || driver == HostDriverKind.OSTREE) {
      Decl<Manifest.PackageDecl> any = !install.isEmpty() ? install.firstEntry().getValue()
          : remove.firstEntry().getValue();
      problems.add(Problem.error(host.origin().file(), host.origin().pos(), "spec.driver", "host \""
          + host.name() + "\" gets driver " + driver.id() + " from " + where(driverDecl) + ", which cannot layer packages, and"
          + " packages from " + where(any) + " (install them in the image, or use driver rpm-ostree)"));
      ok = false;
    }
    install.forEach((name, d) -> sources.add(new Provenance("spec.packages[" + name + "]", "install", where(d))));
    remove.forEach((name, d) -> sources.add(new Provenance("spec.packages[" + name + "]", "remove", where(d))));
    return ok ? new Packages(new TreeSet<>(install.keySet()), new TreeSet<>(remove.keySet())) : Packages.NONE;
  }

  /** bootc cannot deploy an ostree commit; the ostree driver cannot deploy an OCI image. */
  private static boolean driverCannotDeploy(HostDriverKind driver, ImageSpec image) {
    return driver == HostDriverKind.BOOTC && image.isOstree() || driver == HostDriverKind.OSTREE && !image.isOstree();
  }

  /** {@code group "desktop" (groups/desktop.yaml:14)}: a layer and the line of one of its values. */
  private static String where(Decl<?> d) {
    Origin at = switch (d.value()) {
      case Manifest.PackageDecl p -> p.origin();
      case Manifest.DriverDecl v -> v.origin();
      case Manifest.AppDecl a -> a.origin();
      case Manifest.RemoteDecl r -> r.origin();
      case Manifest.ImageDecl i -> i.origin();
      case Manifest.KargDecl k -> k.origin();
      case EtcEntry e -> e.origin();
      default -> d.layer().origin();
    };
    return d.layer().label() + " (" + at + ")";
  }

  /**
   * Remotes merge by installation and name, apps by {@link FlatpakApp#key()}: the highest layer wins, a
   * tie between different declarations is an error. Every app to install must come from a remote the
   * host gets for the same installation.
   */
  private static Flatpaks flatpak(Host host, List<Layer> layers, Conflicts conflicts, List<Problem> problems,
      List<Provenance> sources) {
    TreeMap<String, List<Decl<Manifest.RemoteDecl>>> remotes = new TreeMap<>();
    TreeMap<String, List<Decl<Manifest.AppDecl>>> apps = new TreeMap<>();
    for (Layer l : layers) {
      l.spec().remotes().forEach(r -> remotes.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new Decl<>(l, r)));
      l.spec().apps().forEach(a -> apps.computeIfAbsent(a.app().key(), k -> new ArrayList<>()).add(new Decl<>(l, a)));
    }
    if (remotes.isEmpty() && apps.isEmpty()) {
      return Flatpaks.NONE;
    }
    List<FlatpakRemote> outRemotes = new ArrayList<>();
    remotes.forEach((key, decls) -> {
      Decl<Manifest.RemoteDecl> w = conflicts.winner("spec.flatpak.remotes", key, decls,
          (a, b) -> a.remote().equals(b.remote()), Manifest.RemoteDecl::origin,
          r -> List.of("url " + Quote.of(r.remote().url())));
      if (w != null) {
        outRemotes.add(w.value().remote());
        sources.add(new Provenance("spec.flatpak.remotes[" + key + "]", w.value().remote().url(), where(w)));
      }
    });
    List<FlatpakApp> outApps = new ArrayList<>();
    apps.forEach((key, decls) -> {
      Decl<Manifest.AppDecl> w = conflicts.winner("spec.flatpak.apps", key, decls,
          (a, b) -> a.app().equals(b.app()), Manifest.AppDecl::origin, a -> List.of(a.app().absent() ? "absent"
              : "present", "remote " + Quote.of(a.app().remote()), "arch " + Quote.of(a.app().arch()),
              "commit " + Quote.of(a.app().commit())));
      if (w == null) {
        return;
      }
      FlatpakApp app = w.value().app();
      if (!app.absent() && !remotes.containsKey(app.installation().id() + ":" + app.remote())) {
        problems.add(Problem.error(host.origin().file(), host.origin().pos(), "spec.flatpak.apps[" + key + "]",
            "host \"" + host.name() + "\" gets app " + app.id() + " from " + where(w) + " with the unknown remote \""
            + app.remote() + "\": no layer declares it for the " + app.installation().id() + " installation"
            + " (add it under spec.flatpak.remotes, with installation: " + app.installation().id() + ")"));
        return;
      }
      outApps.add(app);
      sources.add(new Provenance("spec.flatpak.apps[" + key + "]", app.absent() ? "absent" : "from " + app.remote(),
          where(w)));
    });
    return new Flatpaks(outRemotes, outApps);
  }

  /** An /etc entry's value in a conflict, in parts: what it holds, how, and its attributes. */
  private static List<String> shown(EtcEntry e) {
    String what = e.absent() ? "absent" : e.source() != null ? "source " + Quote.of(e.sourceWritten())
        : "content " + (e.content() == null ? "null" : short40(e.content()));
    return List.of(what, e.template() ? "template" : "not a template", "mode " + String.format("%04o", e.mode()),
        "owner " + Quote.of(e.owner()), "group " + Quote.of(e.group()));
  }

  /** Inline content for a one-line message: quoted, cut after 40 characters, or its hash when not text. */
  private static String short40(FileContent c) {
    String t = c.textOrNull();
    if (t == null) {
      return "sha256:" + c.sha256().substring(0, 12) + "…";
    }
    return t.length() <= 40 ? Quote.of(t) : Quote.of(t.substring(0, 40)) + "…";
  }

  /** Picks the declaration of the highest layer, reporting a tie between different values. */
  private record Conflicts(Host host, List<Problem> problems) {
    /**
     * {@code field[key]} names the value in a problem ({@code key} may be null); built only then, with
     * where each of the two values stands ({@code where}) and the parts of them that differ ({@code shown}).
     */
    <T> Decl<T> winner(String field, String key, List<Decl<T>> decls, BiPredicate<T, T> same,
        Function<T, Origin> where, Function<T, List<String>> shown) {
      if (decls.isEmpty()) {
        return null;
      }
      if (decls.size() == 1) { // the common case: one layer sets the value
        return decls.get(0);
      }
      int top = Integer.MIN_VALUE;
      for (Decl<T> d : decls) {
        top = Math.max(top, d.layer().rank());
      }
      Decl<T> first = null;
      for (Decl<T> other : decls) {
        if (other.layer().rank() != top) {
          continue;
        }
        if (first == null) {
          first = other;
        } else if (!same.test(first.value(), other.value())) {
          List<String> a = shown.apply(first.value());
          List<String> b = shown.apply(other.value());
          List<Integer> differ = java.util.stream.IntStream.range(0, a.size()).filter(i -> !a.get(i).equals(b.get(i)))
              .boxed().toList();
          problems.add(Problem.error(host.origin().file(), host.origin().pos(),
              key == null ? field : field + "[" + key + "]", "host \"" + host.name()
              + "\" gets different values: " + side(first, where, a, differ) + " and " + side(other, where, b, differ)
              + ", both at priority " + top + " (give one group a higher priority, or set the value on the host)"));
          return null;
        }
      }
      return first;
    }

    /** {@code <value> from group "x" (file:line:column)}, the value's differing parts only (all when none do). */
    private static <T> String side(Decl<T> d, Function<T, Origin> where, List<String> parts, List<Integer> differ) {
      List<String> keep = differ.isEmpty() ? parts : differ.stream().map(parts::get).toList();
      return String.join(", ", keep) + " from " + d.layer().label() + " (" + where.apply(d.value()) + ")";
    }
  }

  private EtcFile render(Host host, Decl<EtcEntry> decl, List<Problem> problems) {
    EtcEntry e = decl.value();
    String from = decl.layer().from();
    if (e.absent()) {
      return new EtcFile(e.path(), true, null, e.mode(), e.owner(), e.group(), from);
    }
    FileContent content = e.content();
    if (content == null) {
      return null; // the source could not be read; already reported
    }
    if (e.template()) {
      Object compiled = templates.get(content.sha256()); // decoded and compiled once per template
      if (compiled == null) {
        String text = content.textOrNull();
        if (text == null) {
          problems.add(Problem.error(e.origin().file(), e.valuePos(), e.contentField(),
              "template for " + e.path() + " is not UTF-8 text (or holds a NUL byte)"));
          return null;
        }
        compiled = templates.computeIfAbsent(content.sha256(), k -> compile(text));
      }
      if (compiled instanceof String error) {
        problems.add(Problem.error(e.origin().file(), e.valuePos(), e.contentField(), "template for " + e.path()
            + " does not compile: " + error));
        return null;
      }
      try {
        String out = ((Template) compiled).execute(Map.of("host", Map.of("name", host.name(),
            "labels", host.labels(), "annotations", host.annotations())));
        content = FileContent.of(out.getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException ex) { // MustacheException, and whatever else a template may throw
        problems.add(Problem.error(e.origin().file(), e.valuePos(), e.contentField(), "template for " + e.path()
            + " fails for host \"" + host.name() + "\": " + Text.oneLine(ex.getMessage(), "template error")));
        return null;
      }
    }
    return new EtcFile(e.path(), false, content, e.mode(), e.owner(), e.group(), from);
  }

  private static Object compile(String text) {
    try {
      return MUSTACHE.compile(text);
    } catch (RuntimeException ex) {
      return Text.oneLine(ex.getMessage(), "template error");
    }
  }

  /** A file and a folder cannot share a path: {@code /etc/a} and {@code /etc/a/b} both present. */
  private static void checkFileDirClashes(Host host, List<EtcFile> etc, List<Problem> problems) {
    Map<String, EtcFile> present = new HashMap<>();
    etc.stream().filter(f -> !f.absent()).forEach(f -> present.put(f.path(), f));
    for (EtcFile f : etc) {
      if (f.absent()) {
        continue;
      }
      for (String p = RepoPaths.dirOf(f.path()); p.length() > "/etc".length(); p = RepoPaths.dirOf(p)) {
        EtcFile file = present.get(p);
        if (file != null) {
          problems.add(Problem.error(host.origin().file(), host.origin().pos(), "spec.etc", "host \""
              + host.name() + "\" needs " + p + " as a file (from " + file.from() + ") and as the folder of "
              + f.path() + " (from " + f.from() + ")"));
        }
      }
    }
  }
}
