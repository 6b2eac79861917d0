package io.taskfork.producer.cli;

import io.taskfork.producer.dlq.Confirmation;
import io.taskfork.producer.dlq.Dlq;
import io.taskfork.shared.config.SettingsOptions;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dlq purge [--yes]}: deletes every message of the dead-letter queue, after asking. */
@Command(name = "purge", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Deletes every message of the dead-letter queue, after asking on the terminal; --yes does"
                + " not ask. Without a terminal, --yes is required.",
                "Task rows are left as they are: a failed or crashed task stays so, and with its dead letter gone"
                + " it can no longer be replayed (submit it again instead)."})
final class DlqPurgeCommand extends ProducerCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--yes", description = "purge without asking")
    boolean yes;

    DlqPurgeCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws IOException {
        if (!yes && !Confirmation.onTerminal()) {
            throw new ParameterException(spec.commandLine(), "no terminal to ask on; pass --yes to purge");
        }
        try (Dlq dlq = Dlq.open(settings())) {
            long count = dlq.count();
            if (count == 0) {
                context.out().println("the dead-letter queue " + dlq.queueName() + " is empty");
                return ExitCodes.OK;
            }
            if (!yes && !new Confirmation(context.in(), context.err())
                    .ask("purge " + Counted.of(count, "message") + " from " + dlq.queueName() + "?")) {
                context.err().println(ExitCodes.PREFIX + "nothing purged");
                return ExitCodes.FAILED;
            }
            long purged = dlq.purge();
            context.out().println("purged " + Counted.of(purged, "message") + " from "
                    + dlq.queueName() + "; task rows are left as they are");
        }
        return ExitCodes.OK;
    }
}
