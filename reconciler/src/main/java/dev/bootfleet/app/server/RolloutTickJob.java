package dev.bootfleet.app.server;

import java.util.Date;
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
 * Quartz's job for what time alone changes in a rollout (a soak ends, a window opens, a health report is
 * overdue, a host goes unknown): the engine decides again with the server's clock. On a shared database one
 * replica runs each tick and records what it decides (ADR 0018's rule: the replica that decides records).
 */
@DisallowConcurrentExecution
public final class RolloutTickJob implements Job {
  static final JobKey JOB = JobKey.jobKey("rollout-tick");
  static final TriggerKey SCHEDULE = TriggerKey.triggerKey("rollout-tick-schedule");
  /** How often: the finest step a soak, a window or a timeout is honoured at. */
  static final long TICK_MS = 1000;

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    try {
      ((FleetService) context.getScheduler().getContext().get(GitPollJob.SERVICE)).tickRollouts();
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
  }

  static Trigger schedule() {
    return TriggerBuilder.newTrigger().withIdentity(SCHEDULE).forJob(JOB)
        .startAt(new Date(System.currentTimeMillis() + TICK_MS))
        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(TICK_MS).repeatForever()
            .withMisfireHandlingInstructionNextWithRemainingCount()).build();
  }
}
