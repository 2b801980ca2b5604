package dev.bootfleet.core.port;

import dev.bootfleet.core.manifest.DesiredHost;
import dev.bootfleet.core.image.ImageLock;
import dev.bootfleet.core.manifest.Problem;
import java.io.IOException;
import java.util.List;

/**
 * Where a host agent gets its desired state. Standalone GitOps reads the fleet repository itself
 * ({@code adapters.git.GitDesiredState}); the server (a later issue) will answer the same question over
 * its API. Either way a host gets only its own desired state.
 */
public interface DesiredStateSource {

  /**
   * The desired state of one host at the newest revision the source knows.
   *
   * @throws IOException when the source cannot be reached or read (the agent retries next cycle)
   */
  Desired fetch(String hostName) throws IOException;

  /** A one-line description for logs and reports, without credentials. */
  String describe();

  /**
   * @param revision what was read, for example {@code main@sha1:<40 hex>}
   * @param host the host's desired state, or null when the revision does not declare it (or has errors)
   * @param problems every error and warning of the revision; with any error the agent applies nothing
   * @param images the revision's lock of pinned multi-architecture images, so that a host booted on its
   *     architecture's manifest of a pinned index is in sync (empty when there is none)
   * @param rollout the target's rollout part (server mode, a host a rollout governs), or null
   */
  record Desired(String revision, DesiredHost host, List<Problem> problems, ImageLock images, Rollout rollout) {
    public Desired {
      problems = List.copyOf(problems);
      images = images == null ? ImageLock.EMPTY : images;
    }

    /** No rollout governs the host. */
    public Desired(String revision, DesiredHost host, List<Problem> problems, ImageLock images) {
      this(revision, host, problems, images, null);
    }

    /** Without a lock file. */
    public Desired(String revision, DesiredHost host, List<Problem> problems) {
      this(revision, host, problems, ImageLock.EMPTY);
    }

    public boolean hasErrors() {
      return problems.stream().anyMatch(Problem::isError);
    }
  }

  /**
   * What the server's rollout lets a host do now (ADR 0021, "Server"; the target's {@code rollout} part).
   *
   * @param reboot whether it may reboot into what it staged now
   * @param reason why it keeps its image (a CamelCase reason), or null
   * @param message the reason's sentence, or null
   * @param rollbackFrom the rejected image reference it boots and must roll back from, or null
   * @param unstage whether it must cancel what it staged
   * @param rebootMode {@code reboot} or {@code soft-reboot} (the rollout's {@code rebootMode}, said with {@code
   *     reboot: true}); null: a full reboot
   */
  record Rollout(boolean reboot, String reason, String message, String rollbackFrom, boolean unstage,
      String rebootMode) {
    public Rollout(boolean reboot, String reason, String message, String rollbackFrom, boolean unstage) {
      this(reboot, reason, message, rollbackFrom, unstage, null);
    }

    /** Whether the rollout asks for a soft reboot (userspace only), where the staged entry allows one. */
    public boolean softReboot() {
      return SOFT_REBOOT.equals(rebootMode);
    }
  }

  /** The rollout part's {@code rebootMode} for a userspace-only reboot (bootc.md section 6). */
  String SOFT_REBOOT = "soft-reboot";
}
