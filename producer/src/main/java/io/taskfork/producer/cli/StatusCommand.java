package io.taskfork.producer.cli;

import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code status ID}: prints the task's row as one JSON object. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = "Prints a task's row as one JSON object; exits 1 when there is no such task.")
final class StatusCommand extends ProducerCommand {

    @Parameters(paramLabel = "ID", description = "the task's ID")
    long id;

    StatusCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        Optional<Task> task;
        try (Database database = CliContext.openDatabase(settings())) {
            task = new TaskStore(database).find(id);
        }
        if (task.isEmpty()) {
            context.err().println(ExitCodes.PREFIX + "no task " + id);
            return ExitCodes.FAILED;
        }
        context.out().println(Json.write(TaskJson.of(task.get())));
        return ExitCodes.OK;
    }
}
