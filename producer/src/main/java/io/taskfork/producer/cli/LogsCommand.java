package io.taskfork.producer.cli;

import io.taskfork.shared.TaskforkException;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.store.Database;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code logs ID [--follow]}: prints a task's captured output; with {@code --follow}, what is new
 * as the supervisor writes it (every second), until the task is terminal.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Prints a task's captured output (stdout and stderr of its child, bounded by"
                + " TASKFORK_LOG_LIMIT: past it, the head and the tail).",
                "With --follow, keeps printing what is new while the task runs, and exits 0 once it is terminal."
                + " Exits 1 when there is no such task."})
final class LogsCommand extends ProducerCommand {

    static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    @Parameters(paramLabel = "ID", converter = TaskIdConverter.class, description = "the task's ID")
    long id;

    @Option(names = {"-f", "--follow"}, description = "print new output as it comes, until the task is terminal")
    boolean follow;

    private boolean atLineStart = true;

    LogsCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        try (Database database = CliContext.openExistingDatabase(settings())) {
            TaskLogs logs = new TaskLogs(database);
            Optional<TaskLogs.Snapshot> first = logs.read(id, null);
            if (first.isEmpty()) {
                context.err().println(ExitCodes.PREFIX + "no task " + id);
                return ExitCodes.FAILED;
            }
            if (!follow) {
                return once(first.get());
            }
            return follow(logs, first.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.err().println(ExitCodes.PREFIX + "interrupted while following task " + id);
            return ExitCodes.FAILED;
        }
    }

    private int once(TaskLogs.Snapshot snapshot) {
        if (snapshot.log().isEmpty()) {
            context.err().println(ExitCodes.PREFIX + "task " + id + " (" + snapshot.status().value() + ") has no output"
                    + (snapshot.status().isTerminal() ? "" : " yet"));
            return ExitCodes.OK;
        }
        print(snapshot.log());
        endLine();
        return ExitCodes.OK;
    }

    /**
     * Polls the row until it is terminal. A new attempt starts a new log, but the row keeps the
     * last attempt's until the supervisor writes the first output of this one: that text is not
     * shown again under the new attempt's marker unless it is still there when the task ends.
     */
    private int follow(TaskLogs logs, TaskLogs.Snapshot first) throws InterruptedException {
        LogFollower follower = new LogFollower();
        String shownDigest = null;
        String staleDigest = null;
        int attempt = first.attempts();
        TaskLogs.Snapshot snapshot = first;
        boolean endSeen = false;
        while (true) {
            if (snapshot.attempts() != attempt) {
                attempt = snapshot.attempts();
                endLine();
                print("--- attempt " + attempt + " ---\n");
                follower = new LogFollower();
                staleDigest = shownDigest == null ? staleDigest : shownDigest;
                shownDigest = null;
                snapshot = read(logs, staleDigest);
            }
            boolean terminal = snapshot.status().isTerminal();
            if (terminal && !snapshot.changed() && !snapshot.digest().equals(shownDigest)) {
                snapshot = read(logs, null);
            }
            if (snapshot.changed()) {
                print(follower.next(snapshot.log(), terminal && endSeen));
                shownDigest = snapshot.digest();
                staleDigest = null;
            }
            // A success is recorded the moment its handler returns and its whole log a moment later,
            // once its child has exited: one more look after the end catches that last output.
            if (terminal && endSeen) {
                endLine();
                return ExitCodes.OK;
            }
            endSeen = terminal;
            Thread.sleep(POLL_INTERVAL.toMillis());
            snapshot = read(logs, shownDigest == null ? staleDigest : shownDigest);
        }
    }

    private TaskLogs.Snapshot read(TaskLogs logs, String knownDigest) {
        return logs.read(id, knownDigest).orElseThrow(() -> new TaskGoneException(id));
    }

    private void print(String text) {
        if (!text.isEmpty()) {
            PrintStream out = context.out();
            out.print(text);
            out.flush();
            atLineStart = text.endsWith("\n");
        }
    }

    private void endLine() {
        if (!atLineStart) {
            print("\n");
        }
    }

    /** The row was deleted while it was followed. */
    static final class TaskGoneException extends TaskforkException {
        TaskGoneException(long id) {
            super("task " + id + " is gone: its row was deleted");
        }
    }
}
