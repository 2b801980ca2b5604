package dev.bootfleet.adapters.web;

import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The open pages' server-sent events (ADR 0024). The server's change signal only marks a flag and unparks one
 * virtual thread, which tells every open page "change" (the signals of {@link #MIN_GAP} become one event) and sends a
 * comment every {@link #KEEP_ALIVE} so that proxies keep the stream open. An open page holds no thread: Javalin
 * keeps its request asynchronous.
 */
final class Live implements AutoCloseable {
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  /**
   * Events at most this often: a fleet of thousands reports many times a second, and each event has every
   * open page fetch itself again. Well inside the 2 s an operator waits at most.
   */
  static final Duration MIN_GAP = Duration.ofMillis(250);
  /** Open streams at most; more are refused (each page opens one). */
  static final int MAX_CLIENTS = 1_000;
  private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean closed;
  private final Thread worker;

  Live() {
    worker = Thread.ofVirtual().name("bootfleet-dashboard-live").start(this::run);
  }

  /** Something a page shows changed; returns at once (called under the server's lock). */
  void signal() {
    dirty.set(true);
    LockSupport.unpark(worker);
  }

  /** Keeps {@code client} open and tells it of each change; false when too many are open. */
  boolean add(SseClient client) {
    if (clients.size() >= MAX_CLIENTS) {
      return false;
    }
    clients.add(client);
    client.onClose(() -> clients.remove(client));
    client.sendComment("connected");
    client.keepAlive();
    return true;
  }

  int open() {
    return clients.size();
  }

  private void run() {
    long keepAlive = KEEP_ALIVE.toNanos();
    long last = System.nanoTime();
    while (!closed) {
      LockSupport.parkNanos(keepAlive);
      if (closed) {
        break;
      }
      if (dirty.getAndSet(false)) {
        String n = Long.toString(sequence.incrementAndGet());
        clients.forEach(c -> send(c, () -> c.sendEvent("change", n)));
        last = System.nanoTime();
        // the signals of the next MIN_GAP become one event (an unpark meanwhile only ends one wait early)
        for (long left = MIN_GAP.toNanos(); left > 0 && !closed; left = MIN_GAP.toNanos() - (System.nanoTime() - last)) {
          LockSupport.parkNanos(left);
        }
      } else if (System.nanoTime() - last >= keepAlive) {
        clients.forEach(c -> send(c, () -> c.sendComment("keep-alive")));
        last = System.nanoTime();
      }
    }
  }

  private void send(SseClient c, Runnable write) {
    if (c.terminated()) {
      clients.remove(c);
      return;
    }
    try {
      write.run();
    } catch (RuntimeException e) {
      clients.remove(c); // the page went away
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LockSupport.unpark(worker);
    java.util.List<SseClient> open = java.util.List.copyOf(clients);
    clients.clear();
    for (SseClient c : open) {
      try {
        if (!c.terminated()) {
          c.close();
        }
      } catch (RuntimeException e) {
        // already gone
      }
    }
  }
}
