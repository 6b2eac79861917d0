package io.taskfork.producer.cli;

import io.taskfork.producer.schedule.ScheduleListing;
import io.taskfork.shared.config.Setting;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.schedule.Schedule;
import io.taskfork.shared.schedule.Schedules;
import io.taskfork.shared.store.Database;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code schedule list [--json] [--queue Q]}: a line per schedule, of every queue or of the one named. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = "Lists the schedules: name, spec, zone, catch-up, paused, the next fire time on the"
                + " schedule's clock, type, queue, and the last task made, with its status. Every queue's, or with"
                + " --queue (or TASKFORK_QUEUE) that queue's alone.")
final class ScheduleListCommand extends ProducerCommand {

    @Option(names = "--json", description = "print a JSON object per schedule, one a line, instead of the table")
    boolean json;

    ScheduleListCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        Settings settings = settings();
        List<Schedule> schedules;
        try (Database database = CliContext.openExistingDatabase(settings)) {
            schedules = new Schedules(database).list();
        }
        // Left to its default, the queue names no choice: a schedule of another pool is listed too.
        String queue = settingsOptions().gives(Setting.QUEUE, context.environment()) ? settings.amqp().queue() : null;
        if (queue != null) {
            schedules = schedules.stream().filter(schedule -> schedule.queue().equals(queue)).toList();
        }
        if (json) {
            schedules.forEach(schedule -> context.out().println(ScheduleListing.json(schedule)));
        } else if (schedules.isEmpty()) {
            context.out().println(queue == null ? "no schedules" : "no schedules of queue " + queue);
        } else {
            TextTable table = new TextTable(ScheduleListing.HEADERS.toArray(String[]::new));
            schedules.forEach(schedule -> table.add(ScheduleListing.cells(schedule)));
            table.print(context.out());
        }
        return ExitCodes.OK;
    }
}
