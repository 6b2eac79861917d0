package io.taskfork.producer.cli;

import io.taskfork.producer.schedule.ScheduleListing;
import io.taskfork.producer.task.TaskInput;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.schedule.CatchUp;
import io.taskfork.shared.schedule.CronRecurrence;
import io.taskfork.shared.schedule.EveryRecurrence;
import io.taskfork.shared.schedule.NewSchedule;
import io.taskfork.shared.schedule.Recurrence;
import io.taskfork.shared.schedule.Schedule;
import io.taskfork.shared.schedule.Schedules;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.NewTask;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code schedule add NAME (--cron EXPR [--zone Z] | --every DURATION) --type T [...]}. */
@Command(name = "add", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Adds a recurring schedule: a task of TYPE with PAYLOAD at every time of a UNIX cron"
                + " expression (minute hour day-of-month month day-of-week, on the clock of --zone) or every"
                + " DURATION. The supervisors of TASKFORK_QUEUE make the tasks.",
                "Times missed while no supervisor ran: --catch-up none makes nothing for them, one (the default)"
                + " one task, all a task each (the latest 1000 at most)."})
final class ScheduleAddCommand extends ProducerCommand {

    static final String DEFAULT_ZONE = "UTC";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "the schedule's name: letters, digits, '.', '_', '-'")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    When when;

    /** A cron expression or an interval, never both. */
    static final class When {
        @Option(names = "--cron", paramLabel = "EXPR", description = "a UNIX cron expression, such as '0 9 * * 1-5'")
        String cron;

        @Option(names = "--every", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "a fixed interval of at least 1s, such as 30s or 10m, from now on")
        Duration every;
    }

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "the zone whose clock --cron is read on, such as Europe/Berlin (default: " + DEFAULT_ZONE + ")")
    String zone;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "the task type, such as echo")
    String type;

    @Option(names = "--payload", paramLabel = "JSON", defaultValue = "{}",
            description = "a JSON object handed to each task's handler (default: ${DEFAULT-VALUE})")
    String payload;

    @Option(names = "--catch-up", paramLabel = "none|one|all", defaultValue = "one",
            description = "what missed times make: nothing, one task, or a task each (default: ${DEFAULT-VALUE})")
    String catchUp;

    ScheduleAddCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        Settings settings = settings();
        NewSchedule schedule;
        try {
            NewTask task = TaskInput.fromOptions(type, payload, null, null);
            schedule = new NewSchedule(name, task.type(), task.payload(), recurrence(), CatchUp.of(catchUp),
                    settings.amqp().queue());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try (Database database = CliContext.openDatabase(settings)) {
            Schedule added = new Schedules(database).add(schedule);
            context.out().println("schedule " + added.name() + ": " + added.recurrence().text()
                    + (added.recurrence() instanceof CronRecurrence cron ? " in " + cron.zone().getId() : "")
                    + ", first task at " + ScheduleListing.local(added.nextFireAt(), added.recurrence().zone()));
        }
        return ExitCodes.OK;
    }

    private Recurrence recurrence() {
        if (when.every != null) {
            if (zone != null) {
                throw new IllegalArgumentException("--zone applies to --cron only: an interval is the same in every zone");
            }
            return EveryRecurrence.requested(when.every);
        }
        return CronRecurrence.parse(when.cron, zone == null ? DEFAULT_ZONE : zone);
    }
}
