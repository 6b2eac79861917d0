package io.taskfork.producer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code schedule add|list|pause|resume|remove|run-now}: recurring tasks. */
@Command(name = "schedule", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {"Recurring tasks: a task made at every time of a cron expression or a fixed interval.",
                "The supervisors of TASKFORK_QUEUE make them; each fire time makes one task, however many run."})
final class ScheduleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The command with its subcommands, each in a CommandLine of its own for its settings flags. */
    static CommandLine commandLine(CliContext context) {
        return new CommandLine(new ScheduleCommand())
                .addSubcommand(new CommandLine(new ScheduleAddCommand(context)))
                .addSubcommand(new CommandLine(new ScheduleListCommand(context)))
                .addSubcommand(new CommandLine(new ScheduleChangeCommand.Pause(context)))
                .addSubcommand(new CommandLine(new ScheduleChangeCommand.Resume(context)))
                .addSubcommand(new CommandLine(new ScheduleChangeCommand.Remove(context)))
                .addSubcommand(new CommandLine(new ScheduleChangeCommand.RunNow(context)));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command: add, list, pause, resume, remove or run-now");
    }
}
