package io.taskfork.producer.cli;

import io.taskfork.producer.schedule.ScheduleListing;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.schedule.Schedule;
import io.taskfork.shared.schedule.Schedules;
import io.taskfork.shared.store.Database;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code schedule list [--json]}: a line per schedule. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = "Lists the schedules: name, spec, zone, catch-up, paused, the next fire time on the"
                + " schedule's clock, and the last task made, with its status.")
final class ScheduleListCommand extends ProducerCommand {

    @Option(names = "--json", description = "print a JSON object per schedule, one a line, instead of the table")
    boolean json;

    ScheduleListCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        List<Schedule> schedules;
        try (Database database = CliContext.openExistingDatabase(settings())) {
            schedules = new Schedules(database).list();
        }
        if (json) {
            schedules.forEach(schedule -> context.out().println(ScheduleListing.json(schedule)));
        } else if (schedules.isEmpty()) {
            context.out().println("no schedules");
        } else {
            TextTable table = new TextTable(ScheduleListing.HEADERS.toArray(String[]::new));
            schedules.forEach(schedule -> table.add(ScheduleListing.cells(schedule)));
            table.print(context.out());
        }
        return ExitCodes.OK;
    }
}
