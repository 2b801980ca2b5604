package dev.bootfleet.app.cli;

import dev.bootfleet.adapters.fs.FileBatch;
import dev.bootfleet.adapters.git.FleetRepos;
import dev.bootfleet.adapters.registry.HttpImageRegistry;
import dev.bootfleet.adapters.registry.JibBaker;
import dev.bootfleet.core.bake.EtcLayer;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.EtcEntry;
import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.manifest.Fleet;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.manifest.ImageLockFile;
import dev.bootfleet.core.image.ImageRef;
import dev.bootfleet.core.manifest.ImageSpec;
import dev.bootfleet.core.manifest.Manifest;
import dev.bootfleet.core.manifest.Transport;
import dev.bootfleet.core.pin.RefScanner;
import dev.bootfleet.core.pin.RefSite;
import dev.bootfleet.core.pin.ScalarRewriter;
import dev.bootfleet.core.port.ImageBaker;
import dev.bootfleet.core.port.ImageRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bake", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Build an image FROM a host's or group's desired image plus one layer holding its /etc files"
        + " (mode and owner kept), push it with jib-core (no container engine), and print its pinned reference.",
        "The same base digest and the same files give the same digest. With --write-back, the manifest that"
            + " declares the image then names the baked one."})
final class BakeCommand implements Callable<Integer> {
  @Mixin
  RepoOptions repo;

  static final class Subject {
    @Option(names = "--host", paramLabel = "NAME", required = true, description = "Bake this host's merged /etc.")
    String host;

    @Option(names = "--group", paramLabel = "NAME", required = true,
        description = "Bake this group's own /etc (no templates: they need a host).")
    String group;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Subject subject;

  @Option(names = "--to", paramLabel = "REGISTRY/REPO[:TAG]", required = true,
      description = "Where to push (tag default: latest).")
  String to;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", split = ",",
      description = "Platforms to build from the base (default: linux/amd64). Several give a manifest list.")
  List<String> platforms = new ArrayList<>();

  @Option(names = "--write-back", description = "Make the baked image the desired image in the manifest that"
      + " declares it (the reference text only, as pin does).")
  boolean writeBack;

  @Option(names = "--jib-cache", paramLabel = "DIR",
      description = "Where jib-core keeps base-image layers between bakes (default: "
          + "$XDG_CACHE_HOME/bootfleet/jib, else ~/.cache/bootfleet/jib).")
  Path jibCache;

  @Mixin
  RegistryOptions registry;

  @Spec
  CommandSpec spec;

  /** Where the reference to rewrite is, and the text of its file. */
  private record WriteBack(Path root, RefSite site, String text, boolean bom) {}

  /** What is baked: a host's or a group's base image and /etc, and the manifest that declares the image. */
  private record Source(String who, ImageSpec base, List<EtcFile> etc, String declaredIn, String kind, String name) {}

  @Override
  public Integer call() {
    ImageRef target = target();
    List<String> plats = platforms();
    if (writeBack && (repo.rev != null || FleetRepos.isUrl(repo.repo))) {
      throw new UserError("--write-back rewrites files: give --repo as a local folder, without --rev");
    }
    Fleet fleet = repo.load(repo.rev);
    if (RepoOptions.report(fleet, err())) {
      return Main.ERROR;
    }
    Source source = subject.host != null ? hostSource(fleet) : groupSource(fleet);
    checkBase(source);
    EtcLayer.Result layer = EtcLayer.of(source.etc());
    if (reportLayerProblems(source, layer)) {
      return Main.ERROR;
    }
    WriteBack wb = writeBack ? locate(source.declaredIn(), source.kind(), source.name(), source.who()) : null;
    return bakeAndPush(source, target, plats, layer, wb, fleet.images());
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private List<String> platforms() {
    List<String> plats = platforms.isEmpty() ? List.of("linux/amd64") : platforms;
    for (String p : plats) {
      if (!p.matches("[a-z0-9_.-]+/[a-z0-9_.-]+(/[a-z0-9_.-]+)?")) {
        throw new UserError("--platform " + p + ": expected os/arch[/variant], e.g. linux/arm64");
      }
    }
    return plats;
  }

  /** {@code --host}: the host's desired image and its merged /etc. */
  private Source hostSource(Fleet fleet) {
    DesiredHost h = fleet.host(subject.host).orElseThrow(() -> new UserError("--host " + subject.host
        + ": no such host in the fleet (" + names(fleet.hosts().stream().map(DesiredHost::name).toList()) + ")"));
    return new Source("host " + h.name(), h.image(), h.etc(), h.file(), "Host", h.name());
  }

  /** {@code --group}: the group's own image and /etc, which must hold no template (a template needs a host). */
  private Source groupSource(Fleet fleet) {
    Manifest.HostGroup g = fleet.group(subject.group).orElseThrow(() -> new UserError("--group " + subject.group
        + ": no such group in the fleet (" + names(fleet.groups().stream().map(Manifest.HostGroup::name).toList())
        + ")"));
    String who = "group " + g.name();
    if (g.spec().image() == null) {
      throw new UserError("--group " + g.name() + ": the group sets no image (" + g.origin().file()
          + "), so there is no base to bake on");
    }
    List<EtcFile> etc = new ArrayList<>();
    List<String> templates = new ArrayList<>();
    for (EtcEntry e : g.spec().etc()) {
      if (e.template()) {
        templates.add(e.path());
      } else {
        etc.add(new EtcFile(e.path(), e.absent(), e.absent() ? null : e.content(), e.mode(), e.owner(), e.group(),
            who));
      }
    }
    if (!templates.isEmpty()) {
      throw new UserError("--group " + g.name() + ": " + String.join(", ", templates) + " "
          + (templates.size() == 1 ? "is a template" : "are templates") + "; templates need a host (bake --host)");
    }
    return new Source(who, g.spec().image().spec(), etc, g.origin().file(), "HostGroup", g.name());
  }

  private static void checkBase(Source source) {
    ImageSpec base = source.base();
    if (base.transport() != Transport.REGISTRY || base.parsed() == null) {
      throw new UserError(source.who() + ": the desired image " + base.ref() + " is not in a registry (transport "
          + base.transport().id() + "); bake builds from a registry image");
    }
  }

  /** Prints every problem of the /etc layer; true when there is one, and then nothing is built. */
  private boolean reportLayerProblems(Source source, EtcLayer.Result layer) {
    if (layer.problems().isEmpty()) {
      return false;
    }
    PrintWriter err = err();
    layer.problems().forEach(p -> err.println("bake: " + source.who() + ": " + p));
    err.println("bake: nothing built (" + layer.problems().size() + " problem"
        + (layer.problems().size() == 1 ? "" : "s") + ")");
    err.flush();
    return true;
  }

  /** Bakes on the base's digest, pushes, prints the pinned reference and writes it back when asked. */
  private int bakeAndPush(Source source, ImageRef target, List<String> plats, EtcLayer.Result layer, WriteBack wb,
      ImageLock lock) {
    try (HttpImageRegistry lookups = registry.open()) {
      ImageRef baseRef = baseDigest(source, lookups);
      ImageBaker baker = new JibBaker(registry.settings(), jibCache != null ? jibCache : cacheDir());
      ImageBaker.Baked baked = baker.bake(new ImageBaker.Request(
          new ImageRef(baseRef.registry(), baseRef.path(), null, baseRef.digest()), target, layer.files(),
          labels(baseRef, source.who()), plats));
      String pinned = target.repository() + ":" + target.tag() + "@" + baked.digest();
      out().println(pinned);
      if (wb != null) {
        writeBack(wb, pinned, lock, lookups, out());
      }
    } catch (ImageRegistry.RegistryException e) {
      err().println(source.declaredIn() + ": error: bake " + source.who() + ": " + e.getMessage());
      err().flush();
      return Main.ERROR;
    }
    out().flush();
    return Main.OK;
  }

  /** The base image by digest: a tag is resolved now (and a warning says to pin it). */
  private ImageRef baseDigest(Source source, HttpImageRegistry lookups) throws ImageRegistry.RegistryException {
    ImageRef baseRef = source.base().parsed();
    if (baseRef.digest() != null) {
      return baseRef;
    }
    ImageRef tagged = new ImageRef(baseRef.registry(), baseRef.path(),
        baseRef.tag() == null ? "latest" : baseRef.tag(), null);
    ImageRegistry.Manifest m = lookups.resolveTag(tagged);
    err().println("bake: " + source.who() + ": base " + tagged + " is " + m.digest()
        + " now (pin it for reproducible bakes)");
    return new ImageRef(baseRef.registry(), baseRef.path(), tagged.tag(), m.digest());
  }

  private static Map<String, String> labels(ImageRef baseRef, String who) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("org.opencontainers.image.base.name", baseRef.repository() + (baseRef.tag() == null ? ""
        : ":" + baseRef.tag()));
    labels.put("org.opencontainers.image.base.digest", baseRef.digest().toString());
    labels.put("dev.bootfleet.baked-for", who);
    return labels;
  }

  private ImageRef target() {
    ImageRef t;
    try {
      t = ImageRef.parse(to);
    } catch (IllegalArgumentException e) {
      throw new UserError("--to: " + e.getMessage());
    }
    if (t.digest() != null) {
      throw new UserError("--to " + to + ": give a repository and tag, not a digest (the digest is the result)");
    }
    return new ImageRef(t.registry(), t.path(), t.tag() == null ? "latest" : t.tag(), null);
  }

  /** Finds the reference to rewrite before anything is pushed. */
  private WriteBack locate(String file, String kind, String name, String who) {
    Path root = Path.of(repo.repo).toAbsolutePath().normalize();
    Path manifest = root.resolve(file);
    String text;
    try {
      text = Files.readString(manifest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("--write-back: cannot read " + file + ": " + e.getMessage());
    }
    boolean bom = text.startsWith("\uFEFF");
    String body = bom ? text.substring(1) : text;
    RefSite site = RefScanner.scan(file, body).sites().stream()
        .filter(s -> s.kind().equals(kind) && s.name().equals(name)).findFirst().orElse(null);
    if (site == null) {
      throw new UserError("--write-back: " + who + " declares no image of its own in " + file
          + " (it comes from a group: bake --group with --write-back, or give it spec.image.ref)");
    }
    return new WriteBack(root, site, body, bom);
  }

  private void writeBack(WriteBack wb, String pinned, ImageLock lock, HttpImageRegistry lookups, PrintWriter out)
      throws ImageRegistry.RegistryException {
    String after;
    try {
      after = ScalarRewriter.apply(wb.text(), List.of(new ScalarRewriter.Edit(wb.site().pos(), wb.site().written(),
          pinned)));
    } catch (ScalarRewriter.CannotRewrite e) {
      throw new UserError(wb.site().file() + ":" + e.pos() + ": --write-back: " + e.getMessage()
          + " (the image " + pinned + " is pushed)");
    }
    boolean confirmed = RefScanner.scan(wb.site().file(), after).sites().stream()
        .anyMatch(s -> s.pos().equals(wb.site().pos()) && s.written().equals(pinned));
    if (!confirmed) {
      throw new UserError(wb.site().where() + ": --write-back: the rewritten file does not read back as " + pinned);
    }
    FileBatch batch = new FileBatch().put(wb.root().resolve(wb.site().file()), (wb.bom() ? "\uFEFF" : "") + after);
    ImageRef ref = ImageRef.parse(pinned);
    ImageRegistry.Manifest m = lookups.fetchDigest(new ImageRef(ref.registry(), ref.path(), null, ref.digest()));
    if (m.isIndex()) {
      Map<String, ImageLock.Index> indexes = new LinkedHashMap<>(lock.indexes());
      indexes.put(ImageLock.key(ref), m.lockEntry());
      batch.put(wb.root().resolve(ImageLock.FILE), ImageLockFile.render(new ImageLock(indexes)));
    }
    try {
      batch.commit();
    } catch (IOException e) {
      throw new UserError("--write-back: cannot write: " + e.getMessage() + " (the image " + pinned + " is pushed)");
    }
    out.println("updated " + wb.site().where() + " " + RefSite.FIELD + (m.isIndex() ? " and " + ImageLock.FILE : ""));
  }

  private static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("bootfleet").resolve("jib");
  }

  private static String names(List<String> all) {
    if (all.isEmpty()) {
      return "there are none";
    }
    List<String> shown = all.size() > 10 ? all.subList(0, 10) : all;
    return "known: " + String.join(", ", shown) + (all.size() > 10 ? ", …" : "");
  }
}
