package io.taskfork.producer.cli;

import io.taskfork.producer.schedule.ScheduleListing;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.schedule.Schedule;
import io.taskfork.shared.schedule.Schedules;
import io.taskfork.shared.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command on one schedule by its name; an unknown name fails with exit 1. */
abstract class ScheduleChangeCommand extends ProducerCommand {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the schedule's name")
    String name;

    ScheduleChangeCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        try {
            Schedule.checkName(name);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try (Database database = CliContext.openExistingDatabase(settings())) {
            change(new Schedules(database));
        }
        return ExitCodes.OK;
    }

    abstract void change(Schedules schedules);

    @Command(name = "pause", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            modelTransformer = SettingsOptions.Transformer.class,
            description = "Makes no more tasks of the schedule until it is resumed; its tasks made so far are left.")
    static final class Pause extends ScheduleChangeCommand {
        Pause(CliContext context) {
            super(context);
        }

        @Override
        void change(Schedules schedules) {
            schedules.pause(name);
            context.out().println("schedule " + name + " paused");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            modelTransformer = SettingsOptions.Transformer.class,
            description = "Makes tasks again from the schedule's first time after now: times passed while paused"
                    + " make none.")
    static final class Resume extends ScheduleChangeCommand {
        Resume(CliContext context) {
            super(context);
        }

        @Override
        void change(Schedules schedules) {
            Schedule resumed = schedules.resume(name);
            context.out().println("schedule " + name + " resumed; next task at "
                    + ScheduleListing.local(resumed.nextFireAt(), resumed.recurrence().zone()));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            modelTransformer = SettingsOptions.Transformer.class,
            description = "Removes the schedule; the tasks it made are left as they are.")
    static final class Remove extends ScheduleChangeCommand {
        Remove(CliContext context) {
            super(context);
        }

        @Override
        void change(Schedules schedules) {
            schedules.remove(name);
            context.out().println("schedule " + name + " removed");
        }
    }

    @Command(name = "run-now", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            modelTransformer = SettingsOptions.Transformer.class,
            description = {"Makes one task of the schedule now, paused or not, and prints its ID; the schedule's"
                    + " next time stays as it was.",
                    "The task is scheduled for now: a supervisor of its queue publishes it within a second."})
    static final class RunNow extends ScheduleChangeCommand {
        RunNow(CliContext context) {
            super(context);
        }

        @Override
        void change(Schedules schedules) {
            long id = schedules.runNow(name);
            context.out().println(id);
            context.err().println("schedule " + name + " made task " + id);
        }
    }
}
