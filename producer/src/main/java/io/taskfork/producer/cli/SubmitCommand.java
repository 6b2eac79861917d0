package io.taskfork.producer.cli;

import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.task.TaskInput;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.store.Inserted;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.TaskOptions;
import io.taskfork.shared.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code submit --type T [--payload JSON] [options]}: creates one task and prints its ID. */
@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Creates a task, publishes it with a publisher confirm, and prints its ID.",
            "With --delay or --at it waits as scheduled until then; with --unique-key, while a live task holds"
                    + " the key, nothing is created and that task's ID is printed."})
final class SubmitCommand extends ProducerCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "the task type, such as echo")
    String type;

    @Option(names = "--payload", paramLabel = "JSON", defaultValue = "{}",
            description = "a JSON object handed to the task's handler (default: ${DEFAULT-VALUE})")
    String payload;

    @Option(names = "--max-attempts", paramLabel = "N",
            description = "runs of the task before it fails, 1 to 100 (default: TASKFORK_MAX_ATTEMPTS)")
    Integer maxAttempts;

    @ArgGroup(exclusive = true)
    When when;

    /** Not before: a delay from now, or a time. */
    static final class When {
        @Option(names = "--delay", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "run it no sooner than this from now, such as 10m")
        Duration delay;

        @Option(names = "--at", paramLabel = "INSTANT", converter = InstantConverter.class,
                description = "run it no sooner than this ISO-8601 time, such as 2026-12-01T09:00:00Z")
        Instant at;
    }

    @Option(names = "--expires", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "if it has not started this long from now, it never runs: it ends expired")
    Duration expires;

    @Option(names = "--unique-key", paramLabel = "KEY",
            description = "while a scheduled, queued, running or retrying task holds KEY, create nothing")
    String uniqueKey;

    SubmitCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        // refused before anything is connected; made again once it is, so that --delay and --expires
        // count from the insert, not from a start and a connect that a busy host makes seconds long
        NewTask task = task(Instant.now());
        try (TaskPublisher publisher = TaskPublisher.open(settings())) {
            task = task(Instant.now());
            Inserted inserted = publisher.submit(task);
            context.out().println(inserted.id());
            if (!inserted.created()) {
                context.err().println("task " + inserted.id() + " holds unique key " + uniqueKey + " and is "
                        + inserted.status().value() + ": nothing created");
            } else if (inserted.status() == TaskStatus.SCHEDULED) {
                context.err().println("task " + inserted.id() + " is scheduled for " + task.options().runAt());
            }
        }
        return ExitCodes.OK;
    }

    private NewTask task(Instant clock) {
        // to the microsecond, as PostgreSQL keeps it: the time said is then the time stored
        Instant now = clock.truncatedTo(ChronoUnit.MICROS);
        try {
            if (expires != null && expires.isZero()) {
                // it would end expired the moment it is made, as --delay 0s --expires 0s is refused for
                throw new IllegalArgumentException("--expires 0s: it would expire as it is made; give it some time");
            }
            Instant runAt = when == null ? null : when.at != null ? when.at
                    : TaskOptions.after(now, when.delay, "--delay " + Values.format(when.delay));
            Instant expiresAt = expires == null ? null
                    : TaskOptions.after(now, expires, "--expires " + Values.format(expires));
            return TaskInput.fromOptions(type, payload, maxAttempts,
                    // --queue, a setting's flag, names the queue the publisher sends to
                    TaskOptions.requested(runAt, expiresAt, uniqueKey, null));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
