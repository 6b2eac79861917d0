package io.taskfork.consumer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.http.ApiServer;
import io.taskfork.shared.config.HttpSettings;
import io.taskfork.shared.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.WebElement;

/**
 * The console as a person meets it: a supervisor, the HTTP API and console of {@code serve} with a
 * full and a read-only token, and a headless chromium; {@link #close} stops them in reverse order.
 * As a JUnit extension it saves what the browser showed when a test fails, under target/screenshots.
 */
public final class ConsoleFixture implements AutoCloseable, TestWatcher {

    public static final String TOKEN = "full-token-for-the-console-tests";
    public static final String READ_ONLY = "read-only-token-for-the-console-tests";
    private static final Path FAILURES = Path.of("target", "screenshots");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final SupervisorFixture supervisor;
    private final TaskPublisher publisher;
    private final ApiServer server;
    private final Browser browser;

    private ConsoleFixture(SupervisorFixture supervisor, TaskPublisher publisher, ApiServer server, Browser browser) {
        this.supervisor = supervisor;
        this.publisher = publisher;
        this.server = server;
        this.browser = browser;
    }

    /** Starts all for {@code testClass}; {@code extra} variables go to the supervisor's settings. */
    public static ConsoleFixture start(Class<?> testClass, Map<String, String> extra) throws Exception {
        SupervisorFixture supervisor = SupervisorFixture.start(testClass, extra);
        TaskPublisher publisher = new TaskPublisher(supervisor.environment().connection(), supervisor.store(),
                supervisor.environment().queues());
        ApiServer server = ApiServer.start(publisher, supervisor.environment().database(),
                supervisor.environment().connection(), supervisor.environment().queues(),
                new HttpSettings("127.0.0.1", 0, TOKEN, READ_ONLY));
        return new ConsoleFixture(supervisor, publisher, server, Browser.start());
    }

    public SupervisorFixture supervisor() {
        return supervisor;
    }

    public Browser browser() {
        return browser;
    }

    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Logs in on the form with {@code token}, as a person would, from no session at all. */
    public void logIn(String token) {
        browser.open(base() + "/login");
        browser.forgetCookies();
        browser.open(base() + "/");
        browser.await("the login form", d -> browser.url().endsWith("/login") ? browser.find("#token") : null)
                .sendKeys(token);
        browser.click("#log-in");
        browser.await("the console", d -> browser.url().startsWith(base() + "/") && !browser.url().contains("login"));
        browser.awaitText("main h1", "Overview");
    }

    /** Submits through the API, as any HTTP client would, and returns the new task's ID. */
    public long submit(String body) throws Exception {
        HttpResponse<String> response = api("POST", "/api/tasks", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.parse(response.body()).get("id").asLong();
    }

    /** A request to the API with the full bearer token. */
    public HttpResponse<String> api(String method, String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The row of task {@code id} in the table on the page, or null. */
    public WebElement row(long id) {
        List<WebElement> rows = browser.all("tr[data-id='" + id + "']");
        return rows.isEmpty() ? null : rows.get(0);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        try {
            browser.screenshot(FAILURES.resolve(context.getRequiredTestClass().getSimpleName() + "-"
                    + context.getRequiredTestMethod().getName() + ".png"));
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable part : new AutoCloseable[] {browser, server, publisher, supervisor}) {
            try {
                part.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
