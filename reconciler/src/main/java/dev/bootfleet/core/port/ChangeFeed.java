package dev.bootfleet.core.port;

/**
 * What one replica of the reconciler server tells the others (ADR 0018): that it served a new revision,
 * stored a host's report, or recorded a rollout decision. A replica that hears of a change reads the change itself from the store or from
 * Git; the feed only carries its name. Delivery is at most once: after {@link Listener#onGap} a replica
 * reads everything again. The embedded store has one replica and no feed ({@link #NONE}).
 */
public interface ChangeFeed extends AutoCloseable {

  /**
   * What changed: a revision served or stalled (its id), a host's report stored (the host's name), or a rollout
   * decision recorded (the word {@code rollouts}: the others read every run again).
   */
  enum Kind { REVISION, REPORT, ROLLOUT }

  record Change(Kind kind, String subject) {
    public Change {
      if (subject.isBlank() || subject.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
        throw new IllegalArgumentException("a change's subject is one word: \"" + subject + "\"");
      }
    }
  }

  /** Hears the other replicas' changes, never this replica's own. Called on the feed's one thread. */
  interface Listener {
    void onChange(Change change);

    /** Changes may have been missed (the feed reconnected): read everything again. */
    void onGap();
  }

  /** Tells the other replicas; best effort (a replica that misses it catches up at its next gap or poll). */
  void publish(Change change);

  /** Starts delivering changes to {@code listener}; returns once the feed listens (or could not, said in the log). */
  void start(Listener listener);

  @Override
  void close();

  /** No other replica: nothing to tell, nothing to hear. */
  ChangeFeed NONE = new ChangeFeed() {
    @Override
    public void publish(Change change) {}

    @Override
    public void start(Listener listener) {}

    @Override
    public void close() {}
  };
}
