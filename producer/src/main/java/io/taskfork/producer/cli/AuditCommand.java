package io.taskfork.producer.cli;

import io.taskfork.producer.audit.AuditRun;
import io.taskfork.shared.config.SettingsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit [--repair] [--json]}: compares the task rows with the queues, and mends lost and orphaned tasks. */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Compares the task rows with the main, retry and dead-letter queues and reports: tasks"
                + " queued or retrying with no message to run them and none owed (lost); tasks running on a"
                + " supervisor whose heartbeat is gone; failed or crashed tasks without a dead letter; dead"
                + " letters of tasks that are not failed or crashed; tasks with more than one message.",
                "Messages are read without being taken; the main queue's come back as fresh copies at its back,"
                + " with their delivery counts carried over. When a first look finds anything, a second one"
                + " 2 s later confirms it: only what both found is reported.",
                "--repair publishes lost tasks again and gives back the rows of dead supervisors; a task of"
                + " either whose only message is a dead letter of reason delivery-limit ends failed as"
                + " delivery-limit instead, its dead"
                + " letter kept for dlq replay. It changes nothing else.",
                "Exit code 0 when nothing was found, 1 when anything was (repaired or not)."})
final class AuditCommand extends ProducerCommand {

    @Option(names = "--repair", description = "publish lost tasks again and give back rows of dead supervisors")
    boolean repair;

    @Option(names = "--json", description = "print one JSON object instead of lines")
    boolean json;

    AuditCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws InterruptedException {
        return AuditRun.run(settings(), repair, json, context.out()) ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
