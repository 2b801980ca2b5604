package dev.bootfleet.app.server;

import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

/**
 * Quartz's job: fetch Git and serve what it finds. One at a time ({@code @DisallowConcurrentExecution}: a
 * webhook during a poll waits for it). The schedule fires every {@code poll} from a random phase of up to
 * {@code jitter}, so that servers of different fleets do not poll in step; a run missed while the process
 * was busy fires at once, once. On a shared database the schedule lives there and one replica runs each
 * poll; when that replica dies, another takes the schedule over (ADR 0018).
 */
@DisallowConcurrentExecution
public final class GitPollJob implements Job {
  static final String SERVICE = "service";
  static final TriggerKey SCHEDULE = TriggerKey.triggerKey("git-poll-schedule");

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    try {
      ((FleetService) context.getScheduler().getContext().get(SERVICE)).pollGit();
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
  }

  /** The poll's schedule: every {@code pollMs}, the first after up to {@code jitterMs} more than one period. */
  static Trigger schedule(JobKey job, long pollMs, long jitterMs) {
    long phase = pollMs + (jitterMs > 0 ? ThreadLocalRandom.current().nextLong(jitterMs + 1) : 0);
    return TriggerBuilder.newTrigger().withIdentity(SCHEDULE).forJob(job)
        .startAt(new Date(System.currentTimeMillis() + phase))
        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(pollMs).repeatForever()
            .withMisfireHandlingInstructionNowWithExistingCount()).build();
  }
}
