package io.taskfork.producer.cli;

import io.taskfork.producer.dlq.Dlq;
import io.taskfork.shared.config.SettingsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code dlq list [--json] [--limit N]}: a line per dead letter, and every one left in its place. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Lists the messages of the dead-letter queue: the task, its type and status, the reason"
                + " (x-taskfork-reason, or the broker's x-death), when it went dead, and the detail.",
                "Each message is read and given back in its place; none is taken. Messages another dlq command"
                + " holds at that moment are not seen."})
final class DlqListCommand extends ProducerCommand {

    static final int DEFAULT_WIDTH = 120;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print a JSON object per message, one a line, instead of the table")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "list at most the first N messages (default: ${DEFAULT-VALUE})")
    int limit;

    DlqListCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
        }
        try (Dlq dlq = Dlq.open(settings())) {
            long total = dlq.list(limit, json, width(), context.out());
            if (total == 0) {
                // a script reading --json finds no line; a person still learns why
                (json ? context.err() : context.out()).println("the dead-letter queue " + dlq.queueName()
                        + " is empty");
            }
        }
        return ExitCodes.OK;
    }

    /** The terminal's width as the shell exports it in COLUMNS (ops/taskfork does), else a wide default. */
    private int width() {
        try {
            return Integer.parseInt(context.environment().getOrDefault("COLUMNS", "").strip());
        } catch (NumberFormatException e) {
            return DEFAULT_WIDTH;
        }
    }
}
