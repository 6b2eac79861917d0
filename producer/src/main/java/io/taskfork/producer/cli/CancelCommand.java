package io.taskfork.producer.cli;

import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.TaskStatus;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cancel ID}: a waiting task never runs; a running one is killed by its supervisor within a second. */
@Command(name = "cancel", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Cancels a task: a scheduled, queued or retrying task never runs again; a running task's"
                + " child is killed, with its whole process tree, within a second.",
                "Exits 1 when there is no such task or it has already ended."})
final class CancelCommand extends ProducerCommand {

    @Parameters(paramLabel = "ID", converter = TaskIdConverter.class, description = "the task's ID")
    long id;

    CancelCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        Optional<TaskStatus> before;
        try (Database database = CliContext.openExistingDatabase(settings())) {
            before = new TaskStore(database).cancel(id);
        }
        if (before.isEmpty()) {
            context.err().println(ExitCodes.PREFIX + "no task " + id);
            return ExitCodes.FAILED;
        }
        if (before.get().isTerminal()) {
            context.err().println(ExitCodes.PREFIX + "task " + id + " has already ended (" + before.get().value()
                    + ")");
            return ExitCodes.FAILED;
        }
        context.out().println("task " + id + " cancelled (it was " + before.get().value() + ")");
        return ExitCodes.OK;
    }
}
