package dev.bootfleet.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock a test moves by hand: {@link #now} is what every reading answers until the test sets another. */
public final class MutableClock extends Clock {
  public volatile Instant now;

  public MutableClock(Instant now) {
    this.now = now;
  }

  public void set(Instant t) {
    now = t;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
