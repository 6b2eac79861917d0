package io.taskfork.producer.cli;

import io.taskfork.producer.dlq.Dlq;
import io.taskfork.shared.config.SettingsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dlq show ID}: the dead letters of one task, whole, with its row. */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Shows the dead letters of a task (reason, detail, properties, headers, body) and its row"
                + " (status, attempts, failure kind, error, the tail of its log). Nothing is taken out of the queue.",
                "Exits 1 when the task has no dead letter."})
final class DlqShowCommand extends ProducerCommand {

    @Parameters(paramLabel = "ID", converter = TaskIdConverter.class, description = "the task's ID")
    long id;

    DlqShowCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        try (Dlq dlq = Dlq.open(settings())) {
            if (!dlq.show(id, context.out())) {
                context.err().println(ExitCodes.PREFIX + "no dead letter of task " + id + " in " + dlq.queueName());
                return ExitCodes.FAILED;
            }
        }
        return ExitCodes.OK;
    }
}
