package io.taskfork.producer.cli;

import io.taskfork.producer.dlq.Dlq;
import io.taskfork.producer.dlq.ReplayChoice;
import io.taskfork.producer.dlq.ReplaySummary;
import io.taskfork.shared.config.SettingsOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dlq replay ID...|--all|--reason R}: dead tasks back to queued, and their messages back to the queue. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Sends dead letters back to the main queue: the dead letters of the tasks given, all of them"
                + " (--all), or those of one reason (--reason).",
                "A task's row is reset to queued (attempts 0; failure kind, exit code, error, result, log and times"
                + " cleared) and its ID published with a publisher confirm; only then does its dead letter leave"
                + " the queue. A row that failed, crashed, is queued, or is running with its supervisor gone can"
                + " be replayed. A JSON message that never made a row is published again as it was. A message that"
                + " names no task, or whose task cannot run again, stays where it is.",
                "Exits 0 when every dead letter chosen was replayed; 1 when one stayed, or a task given has none."})
final class DlqReplayCommand extends ProducerCommand {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "the IDs of the tasks to replay")
    List<String> ids = new ArrayList<>();

    @Option(names = "--all", description = "replay every dead letter")
    boolean all;

    @Option(names = "--reason", paramLabel = "R",
            description = "replay the dead letters of this reason, such as timeout or delivery-limit")
    String reason;

    DlqReplayCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        ReplayChoice choice = choice();
        ReplaySummary summary;
        String queue;
        try (Dlq dlq = Dlq.open(settings())) {
            queue = dlq.queueName();
            summary = dlq.replay(choice, context.out(), context.err());
        }
        context.err().println(describe(summary, queue));
        return summary.complete() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private ReplayChoice choice() {
        int given = (ids.isEmpty() ? 0 : 1) + (all ? 1 : 0) + (reason == null ? 0 : 1);
        if (given != 1) {
            throw new ParameterException(spec.commandLine(), "give task IDs, --all or --reason R: one of them");
        }
        if (!ids.isEmpty()) {
            return ReplayChoice.tasks(TaskIdConverter.all(spec, ids));
        }
        if (all) {
            return ReplayChoice.all();
        }
        try {
            return ReplayChoice.reason(reason);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private String describe(ReplaySummary summary, String queue) {
        if (summary.replayed() + summary.duplicates() + summary.notReplayable() == 0 && summary.missing().isEmpty()) {
            return reason == null ? "nothing to replay: the dead-letter queue " + queue + " is empty"
                    : "nothing to replay: no dead letter in " + queue + " has reason " + reason;
        }
        StringBuilder line = new StringBuilder("replayed ").append(Counted.of(summary.replayed(), "dead letter"));
        if (summary.duplicates() > 0) {
            line.append("; removed ").append(Counted.of(summary.duplicates(), "duplicate"))
                    .append(" of tasks replayed");
        }
        if (summary.notReplayable() > 0) {
            line.append("; ").append(Counted.of(summary.notReplayable(), "dead letter"))
                    .append(" not replayable, left in ").append(queue);
        }
        if (!summary.missing().isEmpty()) {
            line.append("; ").append(Counted.of(summary.missing().size(), "task")).append(" with no dead letter");
        }
        return line.toString();
    }
}
