/**
 * Recurring schedules: a task made at every time of a cron expression or a fixed interval. The
 * command line adds and changes them ({@link io.taskfork.shared.schedule.Schedules}); every
 * supervisor fires the due ones of its queue ({@link io.taskfork.shared.schedule.ScheduleFiring}).
 */
package io.taskfork.shared.schedule;
