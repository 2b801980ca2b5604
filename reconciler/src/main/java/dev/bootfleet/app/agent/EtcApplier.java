package dev.bootfleet.app.agent;

import dev.bootfleet.adapters.fs.EtcTree;
import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.manifest.EtcFile;
import dev.bootfleet.core.observed.EtcFileState;
import dev.bootfleet.core.observed.EtcReport;
import dev.bootfleet.core.plan.Action;
import dev.bootfleet.core.plan.HostPlan;
import dev.bootfleet.core.text.Text;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's /etc side: what the managed files look like now (the /etc report), which of them changed
 * on the host since bootfleet wrote them, and carrying out write-file and remove-file actions with the
 * local-change policy. The state file records every write: first the content about to be written
 * (pending), then, after the rename, the content written; so a file holding either is bootfleet's.
 */
final class EtcApplier {
  /** Files larger than this, or not readable by everyone, are reported without their content. */
  static final int MAX_REPORTED_CONTENT = 64 * 1024;

  private final EtcTree tree;
  private final AgentConfig.LocalChanges policy;

  EtcApplier(EtcTree tree, AgentConfig.LocalChanges policy) {
    this.tree = tree;
    this.policy = policy;
  }

  /** The /etc report and the paths changed on the host since bootfleet wrote them. */
  record Observed(EtcReport report, Set<String> localChanges) {}

  /** Removes temporary files an interrupted write left beside managed files. */
  void cleanUp(DesiredHost want, AgentState st, CycleReport rep) {
    Set<String> dirs = new HashSet<>();
    List<String> paths = new ArrayList<>(st.files.keySet());
    if (want != null) {
      want.etc().forEach(f -> paths.add(f.path()));
    }
    int n = 0;
    for (String p : paths) {
      String dir = p.substring(0, p.lastIndexOf('/'));
      if (dirs.add(dir)) {
        try {
          n += tree.removeStaleTemps(p);
        } catch (IOException e) {
          rep.problem(dir + ": cannot clean up: " + Text.oneLine(e.getMessage(), "?"));
        }
      }
    }
    if (n > 0) {
      rep.note("removed " + n + " temporary file(s) left by an interrupted write");
    }
  }

  Observed observe(String host, DesiredHost want, AgentState st, CycleReport rep) {
    Set<String> paths = new TreeSet<>(st.files.keySet());
    if (want != null) {
      want.etc().forEach(f -> paths.add(f.path()));
    }
    List<EtcFileState> files = new ArrayList<>();
    List<EtcReport.NotAFile> notFiles = new ArrayList<>();
    Set<String> local = new TreeSet<>();
    for (String p : paths) {
      Optional<EtcTree.Found> found;
      try {
        found = tree.read(p);
      } catch (EtcTree.EtcException e) {
        rep.problem(e.getMessage());
        rep.unreadable(p, "cannot be read as a file bootfleet manages: " + e.getMessage());
        notFiles.add(new EtcReport.NotAFile(p, e.getMessage()));
        continue;
      } catch (IOException e) {
        rep.problem(p + ": cannot read: " + Text.oneLine(e.getMessage(), "?"));
        continue;
      }
      AgentState.ManagedFile mine = st.files.get(p);
      if (found.isEmpty()) {
        if (mine != null && mine.pendingSha256() == null) {
          local.add(p);
        }
        continue;
      }
      EtcTree.Found f = found.get();
      if (mine != null) {
        if (!mine.ours(f.sha256())) {
          local.add(p);
        } else if (f.sha256().equals(mine.pendingSha256())) {
          // the write finished but the agent stopped before recording it
          st.files.put(p, new AgentState.ManagedFile(f.sha256(), mine.mode(), mine.owner(), mine.group(), null));
        }
      }
      files.add(new EtcFileState(p, f.sha256(), String.format("%04o", f.mode()), f.owner(), f.group(),
          reportable(f)));
    }
    return new Observed(new EtcReport(host, files, null, null, notFiles), local);
  }

  /** The content for the report: text, small, and readable by everyone (0600 files may hold secrets). */
  private static String reportable(EtcTree.Found f) {
    if (f.content() == null || f.size() > MAX_REPORTED_CONTENT || (f.mode() & 0004) == 0) {
      return null;
    }
    for (byte b : f.content()) {
      if (b == 0) {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(f.content())).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Carries out the plan's file actions and drops files Git no longer names; returns whether anything changed. */
  boolean apply(HostPlan plan, DesiredHost want, AgentState st, Observed obs, StateStore store, CycleReport rep)
      throws IOException {
    Map<String, EtcFile> desired = new LinkedHashMap<>();
    want.etc().forEach(f -> desired.put(f.path(), f));
    for (String p : obs.localChanges()) {
      if (desired.containsKey(p) && !desired.get(p).absent()) {
        rep.drift(p, "changed on the host since bootfleet wrote it; " + (policy == AgentConfig.LocalChanges.KEEP
            ? "kept (etc.localChanges: keep)" : "overwritten with Git's content (etc.localChanges: overwrite)"));
      }
    }
    List<EtcFile> writes = new ArrayList<>();
    for (Action a : plan.actions()) {
      if (a instanceof Action.WriteFile w) {
        if (obs.localChanges().contains(w.path()) && policy == AgentConfig.LocalChanges.KEEP) {
          rep.step("write-file", w.path(), "skipped", "local change kept");
          continue;
        }
        writes.add(desired.get(w.path()));
      }
    }
    boolean changed = false;
    if (!writes.isEmpty()) {
      for (EtcFile f : writes) {
        AgentState.ManagedFile old = st.files.get(f.path());
        st.files.put(f.path(), new AgentState.ManagedFile(old == null ? null : old.sha256(), f.modeString(), f.owner(),
            f.group(), f.content().sha256()));
      }
      store.save(st); // pending first: a file holding the new content is then known as bootfleet's
      for (EtcFile f : writes) {
        try {
          tree.write(f.path(), f.content().bytes(), f.mode(), f.owner(), f.group());
          st.files.put(f.path(), new AgentState.ManagedFile(f.content().sha256(), f.modeString(), f.owner(), f.group(),
              null));
          rep.step("write-file", f.path(), "done", f.modeString() + " " + f.owner() + ":" + f.group() + ", "
              + f.content().size() + " bytes");
          changed = true;
        } catch (EtcTree.EtcException e) {
          rep.step("write-file", f.path(), "refused", e.getMessage());
          rep.problem(e.getMessage());
          restore(st, f.path());
        } catch (IOException e) {
          rep.step("write-file", f.path(), "failed", Text.oneLine(e.getMessage(), "?"));
          rep.problem(f.path() + ": cannot write: " + Text.oneLine(e.getMessage(), "?"));
        }
      }
    }
    for (Action a : plan.actions()) {
      if (a instanceof Action.RemoveFile r) {
        try {
          tree.remove(r.path());
          st.files.remove(r.path());
          rep.step("remove-file", r.path(), "done", "state: absent in Git");
          changed = true;
        } catch (EtcTree.EtcException e) {
          rep.step("remove-file", r.path(), "refused", e.getMessage());
          rep.problem(e.getMessage());
          rep.drift(r.path(), "state: absent in Git, and it could not be removed");
        }
      }
    }
    for (String p : new ArrayList<>(st.files.keySet())) {
      if (!desired.containsKey(p)) {
        changed |= drop(p, st, obs, rep);
      }
    }
    store.save(st);
    return changed;
  }

  private static void restore(AgentState st, String path) {
    AgentState.ManagedFile m = st.files.get(path);
    if (m != null && m.sha256() == null) {
      st.files.remove(path);
    } else if (m != null) {
      st.files.put(path, new AgentState.ManagedFile(m.sha256(), m.mode(), m.owner(), m.group(), null));
    }
  }

  /** A file bootfleet wrote that Git no longer names: back to the image's default, or removed. */
  private boolean drop(String p, AgentState st, Observed obs, CycleReport rep) throws IOException {
    try {
      Optional<EtcTree.Found> now = tree.read(p);
      if (now.isEmpty()) {
        st.files.remove(p);
        return false;
      }
      if (obs.localChanges().contains(p) && policy == AgentConfig.LocalChanges.KEEP) {
        st.files.remove(p);
        rep.drift(p, "no longer in Git and changed on the host; kept, and no longer managed");
        return false;
      }
      Optional<EtcTree.Found> dflt = tree.imageDefault(p);
      if (dflt.isPresent() && dflt.get().content() != null) {
        EtcTree.Found d = dflt.get();
        tree.write(p, d.content(), d.mode(), d.owner(), d.group());
        rep.step("restore-file", p, "done", "no longer in Git; the image's default from /usr/etc");
      } else {
        tree.remove(p);
        rep.step("remove-file", p, "done", "no longer in Git, and bootfleet wrote it");
      }
      st.files.remove(p);
      return true;
    } catch (EtcTree.EtcException e) {
      rep.problem(e.getMessage());
      return false;
    }
  }
}
