package dev.bootfleet.app.server;

import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

/**
 * Quartz's job: fetch Git and serve what it finds. One at a time ({@code @DisallowConcurrentExecution}: a
 * webhook during a poll waits for it). After each scheduled run it schedules the next one {@code poll}
 * seconds later plus up to {@code jitter} seconds, so that replicas and fleets of servers do not poll in
 * step; a run missed while the process was busy fires at once, once.
 */
@DisallowConcurrentExecution
public final class GitPollJob implements Job {
  static final String SERVICE = "service";
  static final String POLL_MS = "pollMs";
  static final String JITTER_MS = "jitterMs";
  static final TriggerKey SCHEDULE = TriggerKey.triggerKey("git-poll-schedule");

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    try {
      FleetService service = (FleetService) context.getScheduler().getContext().get(SERVICE);
      service.pollGit();
      if (context.getTrigger().getKey().equals(SCHEDULE)) {
        long poll = context.getScheduler().getContext().getLong(POLL_MS);
        long jitter = context.getScheduler().getContext().getLong(JITTER_MS);
        context.getScheduler().rescheduleJob(SCHEDULE, next(context.getJobDetail().getKey(), poll, jitter));
      }
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
  }

  /** The one-shot trigger of the next scheduled poll. */
  static Trigger next(org.quartz.JobKey job, long pollMs, long jitterMs) {
    long delay = pollMs + (jitterMs > 0 ? ThreadLocalRandom.current().nextLong(jitterMs + 1) : 0);
    return TriggerBuilder.newTrigger().withIdentity(SCHEDULE).forJob(job)
        .startAt(new Date(System.currentTimeMillis() + delay))
        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build();
  }
}
