package io.taskfork.producer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dlq list|show|replay|purge}: the dead-letter queue, {@code TASKFORK_QUEUE}.dead. */
@Command(name = "dlq", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {"Looks into the dead-letter queue (TASKFORK_QUEUE + \".dead\") and sends its messages back.",
                "Listing and showing take nothing out of it: a message leaves it only by replay or purge."})
final class DlqCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The command with its subcommands, each in a CommandLine of its own for its settings flags. */
    static CommandLine commandLine(CliContext context) {
        return new CommandLine(new DlqCommand())
                .addSubcommand(new CommandLine(new DlqListCommand(context)))
                .addSubcommand(new CommandLine(new DlqShowCommand(context)))
                .addSubcommand(new CommandLine(new DlqReplayCommand(context)))
                .addSubcommand(new CommandLine(new DlqPurgeCommand(context)));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: list, show, replay or purge");
    }
}
