package io.taskfork.producer.cli;

import io.taskfork.producer.task.TaskJson;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code status [ID]}: one task's row, as JSON for scripts or readable on a terminal; without an
 * ID, the counts by status and the newest tasks.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"With an ID: prints the task's row as one JSON object (on a terminal, as readable lines,"
                + " unless --json); exits 1 when there is no such task.",
                "Without: the number of tasks in each status, then the newest tasks (--limit) with their"
                + " attempts, progress, age, duration, worker and failure."})
final class StatusCommand extends ProducerCommand {

    static final int DEFAULT_LISTED = 20;
    static final int MOST_LISTED = 1000;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", converter = TaskIdConverter.class,
            arity = "0..1", description = "the task's ID; without it, an overview")
    Long id;

    @Option(names = "--json", description = "print JSON, on a terminal too (without a terminal, a row always is)")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", description = "how many of the newest tasks the overview lists"
            + " (default: " + DEFAULT_LISTED + ", at most " + MOST_LISTED + ")")
    Integer limit;

    StatusCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        if (id != null && limit != null) {
            throw new ParameterException(spec.commandLine(), "--limit is for the overview, not for one task");
        }
        int listed = limit == null ? DEFAULT_LISTED : limit;
        if (listed < 1 || listed > MOST_LISTED) {
            throw new ParameterException(spec.commandLine(), "--limit must be from 1 to " + MOST_LISTED);
        }
        try (Database database = CliContext.openExistingDatabase(settings())) {
            return id == null ? overview(database, listed) : one(new TaskStore(database));
        }
    }

    private int overview(Database database, int listed) {
        TaskOverview overview = TaskOverview.read(database, listed);
        if (json) {
            context.out().println(Json.write(OverviewView.json(overview)));
        } else {
            OverviewView.print(overview, context.out());
        }
        return ExitCodes.OK;
    }

    private int one(TaskStore store) {
        Optional<Task> task = store.find(id);
        if (task.isEmpty()) {
            context.err().println(ExitCodes.PREFIX + "no task " + id);
            return ExitCodes.FAILED;
        }
        // Scripts pipe it and read the JSON of the contract; only a person at a terminal gets the view.
        if (json || !context.terminals().out()) {
            context.out().println(Json.write(TaskJson.of(task.get())));
        } else {
            TaskView.print(task.get(), store.log(id), Instant.now(), context.out());
        }
        return ExitCodes.OK;
    }
}
