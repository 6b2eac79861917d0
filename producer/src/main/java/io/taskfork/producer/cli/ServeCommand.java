package io.taskfork.producer.cli;

import com.rabbitmq.client.Connection;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.http.ApiServer;
import io.taskfork.shared.amqp.Broker;
import io.taskfork.shared.config.HttpSettings;
import io.taskfork.shared.config.Setting;
import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/** {@code serve}: the HTTP API, in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Serves the HTTP API: submit, list, show, cancel and retry tasks, read their logs, list and"
                + " replay dead letters, and an overview, as JSON under /api, and /healthz. Runs until SIGTERM or Ctrl-C.",
            "Any address but a loopback one needs TASKFORK_HTTP_TOKEN; the tokens are read from the environment"
                    + " only, as a flag would show them to everyone who can list processes."})
final class ServeCommand extends ProducerCommand {

    private static final String NAME = "taskfork-serve";
    // the pool serves the publisher's inserts and every read at once
    private static final int POOL_SIZE = 4;

    ServeCommand(CliContext context) {
        super(context, new SettingsOptions(Setting.AMQP_URI, Setting.JDBC_URL, Setting.JDBC_USER,
                Setting.JDBC_PASSWORD, Setting.DB_SCHEMA, Setting.QUEUE, Setting.LOG_FORMAT, Setting.HTTP_BIND,
                Setting.HTTP_PORT));
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = settings();
        HttpSettings http = settings.http();
        // Before anything is opened: a refused exposure must not wait on the services.
        Optional<String> refusal = ApiServer.refusal(http, settingsOptions().source(Setting.HTTP_BIND));
        if (refusal.isPresent()) {
            context.err().println(ExitCodes.PREFIX + refusal.get());
            return ExitCodes.USAGE;
        }
        // As the supervisor does: a signal only asks to stop, so the resources close in order and the exit code is 0.
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
        // closed in reverse order: the server first, so no request finds the publisher closed
        try (Connection connection = Broker.connect(settings.amqp(), NAME);
                Database database = CliContext.openDatabase(settings, POOL_SIZE);
                TaskPublisher publisher = new TaskPublisher(connection, new TaskStore(database),
                        QueueNames.of(settings.amqp().queue()));
                ApiServer server = ApiServer.start(publisher, database, connection,
                        QueueNames.of(settings.amqp().queue()), http)) {
            context.out().println("serving the HTTP API on http://" + http.bind() + ":" + server.port()
                    + " (" + (http.asksForToken() ? "bearer token required" : "no token: loopback only") + ")");
            stopRequested.await();
        }
        return ExitCodes.OK;
    }
}
