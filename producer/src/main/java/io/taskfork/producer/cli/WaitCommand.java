package io.taskfork.producer.cli;

import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.task.TaskStatus;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wait ID... [--timeout DURATION]}: polls the rows until every task is terminal, printing
 * each one's outcome as it comes. Exits 0 when all succeeded, 1 otherwise.
 */
@Command(name = "wait", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Waits until the tasks are terminal, printing \"ID status\" (with failure_kind and exit_code"
                + " when set) for each as it becomes terminal.",
                "Exits 0 when all succeeded; 1 when one did not, one does not exist, or time ran out."})
final class WaitCommand extends ProducerCommand {

    static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final int MOST_PENDING_SHOWN = 10;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "the tasks' IDs")
    List<String> ids;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "give up after this long, such as 30s or 10m (default: ${DEFAULT-VALUE})")
    Duration timeout;

    WaitCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        List<Long> taskIds = TaskIdConverter.all(spec, ids);
        try (Database database = CliContext.openExistingDatabase(settings())) {
            return await(new TaskStates(database), taskIds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.err().println(ExitCodes.PREFIX + "interrupted while waiting");
            return ExitCodes.FAILED;
        }
    }

    private int await(TaskStates states, List<Long> taskIds) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Long> pending = new LinkedHashSet<>(taskIds);
        boolean allSucceeded = true;
        while (true) {
            Map<Long, TaskStates.State> current = states.of(pending);
            List<Long> missing = pending.stream().filter(id -> !current.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                context.err().println(ExitCodes.PREFIX + (missing.size() == 1 ? "no task " : "no tasks ")
                        + joined(missing));
                return ExitCodes.FAILED;
            }
            for (Iterator<Long> it = pending.iterator(); it.hasNext();) {
                TaskStates.State state = current.get(it.next());
                if (state.status().isTerminal()) {
                    context.out().println(state.describe());
                    allSucceeded &= state.status() == TaskStatus.SUCCEEDED;
                    it.remove();
                }
            }
            context.out().flush();
            if (pending.isEmpty()) {
                return allSucceeded ? ExitCodes.OK : ExitCodes.FAILED;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                context.err().println(ExitCodes.PREFIX + "timed out after " + Values.format(timeout)
                        + "; still pending: " + describe(pending, current));
                return ExitCodes.FAILED;
            }
            Thread.sleep(Math.min(POLL_INTERVAL.toMillis(), Math.max(1, left / 1_000_000)));
        }
    }

    private static String describe(Set<Long> pending, Map<Long, TaskStates.State> current) {
        String shown = pending.stream().limit(MOST_PENDING_SHOWN)
                .map(id -> id + " (" + current.get(id).status().value() + ")")
                .collect(Collectors.joining(", "));
        int hidden = pending.size() - MOST_PENDING_SHOWN;
        return hidden > 0 ? shown + " and " + hidden + " more" : shown;
    }

    private static String joined(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
