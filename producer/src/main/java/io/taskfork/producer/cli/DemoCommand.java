package io.taskfork.producer.cli;

import io.taskfork.producer.demo.Demo;
import io.taskfork.shared.config.Setting;
import io.taskfork.shared.config.SettingsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code demo}: the whole path end to end on the configured services, with a supervisor of its own. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Starts a supervisor from the consumer jar, runs a mixed batch (echo, sleep, fail and every"
                + " crash mode, some published as raw JSON, one malformed), shows progress, prints where each"
                + " task ended, and stops the supervisor with SIGTERM.",
                "Uses its own queue, " + DemoCommand.DEMO_QUEUE + ", and schema, " + DemoCommand.DEMO_SCHEMA
                + ", unless --queue and --db-schema say otherwise, and empties the queue first: TASKFORK_QUEUE"
                + " and TASKFORK_DB_SCHEMA, set for a real supervisor, are not read. Its tasks work in that"
                + " schema's default folder."
                + " Exits 0 when every task ended where it should."})
final class DemoCommand implements Callable<Integer>, SettingsOptions.Carrier {

    static final String DEMO_QUEUE = "taskfork.demo";
    static final String DEMO_SCHEMA = "taskfork_demo";

    private final CliContext context;
    private final SettingsOptions settingsOptions = new SettingsOptions(Setting.AMQP_URI, Setting.JDBC_URL,
            Setting.JDBC_USER, Setting.JDBC_PASSWORD, Setting.DB_SCHEMA, Setting.QUEUE, Setting.PREFETCH)
            .ownDefault(Setting.DB_SCHEMA, DEMO_SCHEMA)
            .ownDefault(Setting.QUEUE, DEMO_QUEUE);

    @Spec
    CommandSpec spec;

    @Option(names = "--consumer-jar", paramLabel = "JAR", required = true,
            description = "the consumer jar to start the supervisor from (ops/taskfork passes it)")
    Path consumerJar;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public SettingsOptions settingsOptions() {
        return settingsOptions;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(consumerJar)) {
            throw new ParameterException(spec.commandLine(), "no consumer jar at " + consumerJar
                    + "; build it with mvn -B -q package -DskipTests");
        }
        // The demo's queue and rows are its own, apart from those of a real consumer; flags still win.
        Map<String, String> environment = new HashMap<>(context.environment());
        environment.put(Setting.QUEUE.variable(), DEMO_QUEUE);
        environment.put(Setting.DB_SCHEMA.variable(), DEMO_SCHEMA);
        Demo demo = new Demo(settingsOptions.resolve(environment), consumerJar.toAbsolutePath(), context.out());
        return demo.run() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
