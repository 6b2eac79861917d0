package io.taskfork.producer.cli;

import io.taskfork.producer.TaskPublisher;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.store.NewTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code submit --type T [--payload JSON]}: creates one task and prints its ID. */
@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = "Creates a task, publishes it with a publisher confirm, and prints its ID.")
final class SubmitCommand extends ProducerCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "the task type, such as echo")
    String type;

    @Option(names = "--payload", paramLabel = "JSON", defaultValue = "{}",
            description = "a JSON object handed to the task's handler (default: ${DEFAULT-VALUE})")
    String payload;

    SubmitCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        NewTask task;
        try {
            task = TaskInput.fromOptions(type, payload);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try (TaskPublisher publisher = TaskPublisher.open(settings())) {
            context.out().println(publisher.submit(task.type(), task.payload()));
        }
        return ExitCodes.OK;
    }
}
