package io.taskfork.producer.cli;

import io.taskfork.shared.config.Setting;
import io.taskfork.shared.config.SettingsOptions;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The producer's command line: submit tasks, enqueue many, show them and their output, wait for some. */
@Command(name = "taskfork", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Submits tasks to taskfork and follows them; schedules recurring ones. Each setting is a flag or a TASKFORK_* variable.")
public final class ProducerMain implements Callable<Integer> {

    /** The logging configuration of the CLI: warnings only, so stdout stays the command's result. */
    static final String LOGBACK_CONFIG = "taskfork-cli-logback.xml";
    private static final String LOGBACK_PROPERTY = "logback.configurationFile";

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // Before any logger exists: the first one makes logback read its configuration.
        if (System.getProperty(LOGBACK_PROPERTY) == null) {
            System.setProperty(LOGBACK_PROPERTY, LOGBACK_CONFIG);
        }
        System.exit(run(args, System.getenv(), System.in, System.out, System.err, Terminals.detect()));
    }

    /**
     * Runs one command line against {@code environment}, printing to {@code out} and {@code err}.
     *
     * @return the exit code: 0 success, 1 the operation failed, 2 bad usage
     */
    public static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        return run(args, environment, System.in, out, err, Terminals.NONE);
    }

    /**
     * As {@link #run(String[], Map, PrintStream, PrintStream)}, reading {@code enqueue -} from {@code in},
     * and writing for a person where {@code terminals} says a stream is a terminal.
     */
    static int run(String[] args, Map<String, String> environment, InputStream in, PrintStream out, PrintStream err,
            Terminals terminals) {
        CliContext context = new CliContext(Map.copyOf(environment), in, out, err, terminals);
        // Each subcommand gets a CommandLine of its own because picocli applies a command's
        // modelTransformer (which adds the settings flags) only in that constructor.
        CommandLine commandLine = new CommandLine(new ProducerMain())
                .addSubcommand(new CommandLine(new SubmitCommand(context)))
                .addSubcommand(new CommandLine(new EnqueueCommand(context)))
                .addSubcommand(new CommandLine(new StatusCommand(context)))
                .addSubcommand(new CommandLine(new LogsCommand(context)))
                .addSubcommand(new CommandLine(new WaitCommand(context)))
                .addSubcommand(new CommandLine(new CancelCommand(context)))
                .addSubcommand(new CommandLine(new DemoCommand(context)))
                .addSubcommand(DlqCommand.commandLine(context))
                .addSubcommand(new CommandLine(new AuditCommand(context)))
                .addSubcommand(ScheduleCommand.commandLine(context))
                .addSubcommand(new CommandLine(new ServeCommand(context)))
                .addSubcommand(new CommandLine.HelpCommand());
        // Set after the subcommands are added: picocli copies these to the subcommands present.
        ExitCodes exitCodes = new ExitCodes();
        commandLine.setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler(exitCodes)
                .setExecutionExceptionHandler(exitCodes);
        return commandLine.execute(args);
    }

    /** The settings every producer command takes; the consumer-only ones do not apply here. */
    static SettingsOptions settingsOptions() {
        return new SettingsOptions(Setting.AMQP_URI, Setting.JDBC_URL, Setting.JDBC_USER, Setting.JDBC_PASSWORD,
                Setting.DB_SCHEMA, Setting.QUEUE, Setting.LOG_FORMAT);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "missing command: submit, enqueue, status, logs, wait, cancel, demo, dlq, audit, schedule or serve");
    }
}
