package io.taskfork.producer.http;

import com.rabbitmq.client.Connection;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.router.ParsedEndpoint;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.dlq.Dlq;
import io.taskfork.producer.queue.QueueException;
import io.taskfork.shared.amqp.BrokerUnavailableException;
import io.taskfork.shared.config.HttpSettings;
import io.taskfork.shared.config.ListenAddress;
import io.taskfork.shared.config.Setting;
import io.taskfork.shared.store.DataRefusal;
import io.taskfork.shared.topology.TopologyMismatchException;
import io.taskfork.shared.store.Database;
import io.taskfork.shared.store.DatabaseUnavailableException;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.topology.QueueNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of {@code serve}: the tasks and dead letters as JSON under {@code /api}, behind
 * bearer tokens or a console login, the console at {@code /}, and {@code /healthz}. It submits
 * through a {@link TaskPublisher}, reads through a {@link TaskStore}, and replays and retries
 * through a {@link Dlq} on the same connection and pool; the publisher, connection and pool stay
 * the caller's to close.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final Dlq dlq;
    private final EventPoller poller;

    private ApiServer(Javalin app, Dlq dlq, EventPoller poller) {
        this.app = app;
        this.dlq = dlq;
        this.poller = poller;
    }

    /** What following tasks' events has cost the database: rounds that read it, and task rows read in them. */
    public record EventReads(long rounds, long taskRows) {
    }

    /**
     * Why these settings must not be served, if they must not: an address other than a loopback
     * one without a token would hand every task to whoever reaches the port, and one that is not
     * this host's (or does not resolve) cannot be listened on at all.
     */
    public static Optional<String> refusal(HttpSettings settings) {
        return refusal(settings, Setting.HTTP_BIND.variable());
    }

    /** As the other, naming the address by {@code bindSource}: the flag and variable, or the variable, that gave it. */
    public static Optional<String> refusal(HttpSettings settings, String bindSource) {
        if (settings.asksForToken()) {
            return ListenAddress.problem(bindSource, settings.bind());
        }
        try {
            if (InetAddress.getByName(settings.bind()).isLoopbackAddress()) {
                return Optional.empty();
            }
        } catch (UnknownHostException e) {
            return ListenAddress.problem(bindSource, settings.bind());
        }
        return Optional.of("refusing to serve on " + settings.bind() + " without a token: any address but a loopback"
                + " one needs TASKFORK_HTTP_TOKEN (or set TASKFORK_HTTP_BIND=127.0.0.1)");
    }

    /**
     * Starts listening on the address and port of {@code settings}.
     *
     * @throws IllegalArgumentException when {@link #refusal} names a reason
     */
    public static ApiServer start(TaskPublisher publisher, Database database, Connection connection,
            QueueNames queues, HttpSettings settings) {
        return start(publisher, database, connection, queues, settings, Clock.systemUTC());
    }

    /** As the other, with the clock that ends console sessions. */
    static ApiServer start(TaskPublisher publisher, Database database, Connection connection,
            QueueNames queues, HttpSettings settings, Clock clock) {
        refusal(settings).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        refuseTakenPort(settings);
        BearerTokens tokens = new BearerTokens(settings);
        ConsoleSessions sessions = new ConsoleSessions(clock);
        ConsolePages console = new ConsolePages(tokens, sessions);
        OpenApiDocument openApi = OpenApiDocument.load();
        TaskStore store = new TaskStore(database);
        TaskReads reads = new TaskReads(store);
        TaskWrites writes = new TaskWrites(publisher, store);
        Dlq dlq = Dlq.on(connection, database, queues);
        DeadLetters dead = new DeadLetters(dlq);
        Overview overview = new Overview(database, connection, queues);
        EventPoller poller = new EventPoller(store.watch(), EventPoller.DEFAULT_PERIOD, TaskFollower.DEFAULT_PING_AFTER);
        TaskEvents events = new TaskEvents(store.watch(), poller);
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = ServerErrors.MAX_BODY;
            config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(ServerErrors.MAX_HEAD));
            config.jetty.modifyServer(server -> server.setErrorHandler(new ServerErrors.JsonPages()));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new ServerErrors.JsonPages()));
            config.staticFiles.add(files -> {
                files.hostedPath = "/assets";
                files.directory = "/console/assets";
                files.location = Location.CLASSPATH;
            });
        });
        app.before(SecurityHeaders::set);
        app.before(new LoopbackHosts(tokens, settings.bind())::check);
        app.before("/api/*", new ApiAccess(tokens, sessions)::check);
        app.before("/api/*", ServerErrors::checkQuery);
        app.beforeMatched("/api/*", ServerErrors::refuseParameters);
        app.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok"));
        app.get("/", console::index);
        app.get("/login", console::loginForm);
        app.post("/login", console::logIn);
        app.get("/api/session", console::session);
        app.post("/api/logout", console::logOut);
        app.post("/api/tasks", writes::submit);
        app.get("/api/tasks", reads::page);
        app.get("/api/tasks/{id}", reads::one);
        app.get("/api/tasks/{id}/log", reads::log);
        app.get("/api/tasks/{id}/events", events::stream);
        app.post("/api/tasks/{id}/cancel", writes::cancel);
        app.post("/api/tasks/{id}/retry", dead::retry);
        app.get("/api/dead", dead::list);
        app.post("/api/dead/replay", dead::replay);
        app.get("/api/overview", overview::show);
        app.get("/api/openapi.json", openApi::serve);
        app.exception(HttpResponseException.class, ServerErrors::answer);
        app.exception(ApiProblem.class, (problem, ctx) -> Answers.problem(ctx, problem));
        app.exception(Exception.class, (e, ctx) -> {
            Optional<String> refused = DataRefusal.of(e);
            if (refused.isPresent()) {
                // refused for what the request holds: the same request would be refused again
                Answers.error(ctx, 400, "the database refused it: " + refused.get());
                return;
            }
            if (e instanceof TopologyMismatchException) {
                // the queue the request names is one the broker holds otherwise: asked again, the same
                Answers.error(ctx, 409, e.getMessage());
                return;
            }
            if (e instanceof QueueException || e instanceof BrokerUnavailableException
                    || e instanceof DatabaseUnavailableException) {
                // a service away or busy, or a look that waited its turn too long: the same request may do soon
                LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                Answers.error(ctx, 503, e.getMessage());
                return;
            }
            // The client gets one line; the stack trace stays in this process's log.
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            Answers.error(ctx, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
        });
        try {
            app.start(settings.bind(), settings.port());
        } catch (RuntimeException e) {
            poller.close();
            dlq.close();
            throw e;
        }
        return new ApiServer(app, dlq, poller);
    }

    // Javalin would log its failure at ERROR, then throw: one line that names the setting says it all.
    private static void refuseTakenPort(HttpSettings settings) {
        if (settings.port() == 0) {
            return;
        }
        try (ServerSocket trial = new ServerSocket()) {
            trial.setReuseAddress(true);
            trial.bind(new InetSocketAddress(settings.bind(), settings.port()));
        } catch (IOException e) {
            throw new HttpPortTakenException(settings.bind(), settings.port(), e);
        }
    }

    /** The port it listens on: the one asked for, or the one taken for port 0. */
    public int port() {
        return app.port();
    }

    public EventReads eventReads() {
        return new EventReads(poller.rounds(), poller.taskReads());
    }

    /**
     * Each route it serves, as {@code "GET /api/tasks/{id}"}, read from Javalin's router itself, so
     * that a test holds the OpenAPI document to what is served, not to a list kept beside it.
     */
    List<String> routes() {
        return app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
                .map(ParsedEndpoint::getEndpoint)
                .filter(endpoint -> endpoint.getMethod().isHttpMethod())
                .map(endpoint -> endpoint.getMethod() + " " + endpoint.getPath())
                .toList();
    }

    /**
     * Ends the event streams (a stream would otherwise hold the stop until its task ends), stops
     * listening (requests under way are finished first), then closes the dead-letter publisher; once.
     */
    @Override
    public void close() {
        poller.close();
        app.stop();
        dlq.close();
    }
}
