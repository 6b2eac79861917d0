package io.taskfork.consumer;

import io.taskfork.consumer.supervisor.LogHeapTrial;
import io.taskfork.consumer.supervisor.SandboxTrial;
import io.taskfork.consumer.supervisor.Supervisor;
import io.taskfork.consumer.supervisor.WorkDirTakenException;
import io.taskfork.consumer.supervisor.WorkRootTrial;
import io.taskfork.consumer.supervisor.launch.ChildStartException;
import io.taskfork.consumer.supervisor.metrics.MetricsServer;
import io.taskfork.shared.TaskforkException;
import io.taskfork.shared.config.BuildVersion;
import io.taskfork.shared.config.ConfigException;
import io.taskfork.shared.config.Setting;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.logging.LogSetup;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/** {@code taskfork consumer}: runs the supervisor in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "taskfork consumer", mixinStandardHelpOptions = true, versionProvider = ConsumerMain.Version.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = "Runs the supervisor: takes tasks from the queue and runs each in a fresh child JVM."
                + " SIGTERM or Ctrl-C drains and exits 0; a second one kills what still runs and gives it back.",
        footer = "Every flag may also be given as the environment variable named in its description.")
public final class ConsumerMain implements Callable<Integer>, SettingsOptions.Carrier {

    // The HTTP API is the producer's (serve): its settings are no flags of the supervisor.
    private final SettingsOptions settingsOptions = new SettingsOptions(java.util.EnumSet.complementOf(
            java.util.EnumSet.of(Setting.HTTP_BIND, Setting.HTTP_PORT, Setting.HTTP_TOKEN, Setting.HTTP_READONLY_TOKEN))
            .toArray(Setting[]::new));
    private final Map<String, String> environment;
    private final PrintStream err;

    private final StopRequests stopRequested;

    ConsumerMain(Map<String, String> environment, PrintStream err, StopRequests stopRequested) {
        this.environment = environment;
        this.err = err;
        this.stopRequested = stopRequested;
    }

    public static void main(String[] args) {
        StopRequests stopRequested = new StopRequests();
        // Taking over TERM, INT and HUP lets the drain finish and the process exit 0, where the JVM's
        // own handling would exit 143, 130 or 129 at once; from the first moment, so that one sent
        // while the supervisor starts stops it once it has. A HUP that nohup ignores stays ignored.
        Signal.handle(new Signal("TERM"), signal -> stopRequested.ask());
        Signal.handle(new Signal("INT"), signal -> stopRequested.ask());
        Signal.handle(new Signal("HUP"), signal -> stopRequested.hangUp());
        CommonPool.atLeastTwoThreads();
        System.exit(run(args, System.getenv(), System.err, stopRequested));
    }

    /** As {@code main}, the stop asked for through {@code stopRequested}: in-process, by no signal. */
    static int run(String[] args, Map<String, String> environment, PrintStream err, StopRequests stopRequested) {
        CommandLine command = new CommandLine(new ConsumerMain(environment, err, stopRequested));
        command.setParameterExceptionHandler((e, ignored) -> {
            err.println("taskfork consumer: " + e.getMessage() + " (see --help)");
            return 2;
        });
        return command.execute(args);
    }

    @Override
    public SettingsOptions settingsOptions() {
        return settingsOptions;
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings;
        try {
            settings = settingsOptions.resolve(environment);
        } catch (ConfigException e) {
            err.println("taskfork consumer: " + e.getMessage());
            return 2;
        }
        Optional<String> problem = WorkRootTrial.problem(settings.child().work().root());
        if (problem.isEmpty()) {
            problem = SandboxTrial.problem(settings.child().work().execSandbox());
        }
        if (problem.isEmpty() && settings.metricsPort() > 0) {
            problem = MetricsServer.problem(settings.service().metricsBind());
        }
        if (problem.isEmpty()) {
            problem = LogHeapTrial.problem(settings.child().logLimit(), settings.amqp().prefetch(),
                    Runtime.getRuntime().maxMemory());
        }
        if (problem.isPresent()) {
            err.println("taskfork consumer: " + problem.get());
            return 2;
        }
        LogSetup.use(settings.service().logFormat());
        for (String unknown : Setting.unknownIn(environment)) {
            LoggerFactory.getLogger(ConsumerMain.class).warn("{} is no setting of taskfork's, and is ignored"
                    + " (misspelt? README, \"Configuration\", lists them)", unknown);
        }
        Supervisor supervisor = new Supervisor(settings);
        try {
            supervisor.start();
        } catch (TaskforkException e) {
            err.println("taskfork consumer: " + e.getMessage());
            supervisor.stop(java.time.Duration.ZERO);
            // settings the child JVM refuses, and a work folder another schema's, are a bad value, as
            // those refused before the start are
            return e instanceof WorkDirTakenException
                    || e instanceof ChildStartException refused && refused.optionsRefused() ? 2 : 1;
        } catch (java.io.IOException e) {
            err.println("taskfork consumer: cannot start: " + e);
            supervisor.stop(java.time.Duration.ZERO);
            return 1;
        }
        stopRequested.awaitFirst();
        supervisor.stop(settings.service().shutdownGrace(), stopRequested.again());
        return 0;
    }

    /** The version written into the jar's manifest at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return BuildVersion.of("taskfork consumer", ConsumerMain.class);
        }
    }
}
