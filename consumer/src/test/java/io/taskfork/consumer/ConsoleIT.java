package io.taskfork.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.Browser;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.http.ApiServer;
import io.taskfork.shared.config.HttpSettings;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.TaskStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/**
 * The console in headless chromium, against a real supervisor, database and broker: a person logs
 * in, watches tasks that were submitted through the API, reads a log, cancels, and replays.
 */
class ConsoleIT {

    private static final String TOKEN = "full-token-for-the-console-it";
    private static final String READ_ONLY = "read-only-token-for-the-console-it";
    private static final Path FAILURES = Path.of("target", "screenshots");
    private static final Path SCREENSHOTS = Path.of("target", "console");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static SupervisorFixture fixture;
    private static TaskPublisher publisher;
    private static ApiServer server;
    private static Browser browser;
    private static String base;

    @TempDir
    Path temp;

    /** A failing test leaves what the browser showed under target/screenshots. */
    @RegisterExtension
    final TestWatcher screenshots = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            try {
                browser.screenshot(FAILURES.resolve("ConsoleIT-" + context.getRequiredTestMethod().getName() + ".png"));
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        fixture = SupervisorFixture.start(ConsoleIT.class, Map.of("TASKFORK_EXEC_ALLOW", "test"));
        publisher = new TaskPublisher(fixture.environment().connection(), fixture.store(), fixture.environment().queues());
        server = ApiServer.start(publisher, fixture.environment().database(), fixture.environment().connection(),
                fixture.environment().queues(), new HttpSettings("127.0.0.1", 0, TOKEN, READ_ONLY));
        base = "http://127.0.0.1:" + server.port();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable part : new AutoCloseable[] {browser, server, publisher, fixture}) {
            if (part != null) {
                part.close();
            }
        }
    }

    @BeforeEach
    void logIn() {
        logIn(TOKEN);
    }

    @Test
    void aTaskSubmittedThroughTheApiAppearsAndSucceedsWithoutAReload() throws Exception {
        browser.open(base + "/#/tasks");
        browser.awaitText("h1", "Tasks");
        browser.script("window.sameDocument = true");

        long id = submit("{\"type\": \"progressive\", \"payload\": {\"hold_ms\": 1500}}");

        browser.await("task " + id + " in the list", d -> row(id));
        browser.awaitText("tr[data-id='" + id + "'] .status", "succeeded");
        assertThat(browser.script("return window.sameDocument === true")).as("the page was not reloaded").isEqualTo(true);
    }

    @Test
    void aTasksPageShowsItsProgressAndFollowsItsLogWhileItRuns() throws Exception {
        long id = submit("{\"type\": \"progressive\", \"payload\": {\"hold_ms\": 5000}}");
        browser.open(base + "/#/tasks");
        browser.await("task " + id + " in the list", d -> row(id));
        browser.click("tr[data-id='" + id + "'] a");

        browser.awaitText("#log", "holding at half");
        assertThat(browser.find("h1 .status").getText()).as("the log came while it ran").isEqualTo("running");
        assertThat(browser.find("#progress").getAttribute("value")).isEqualTo("50");
        assertThat(browser.find("#progress-message").getText()).isEqualTo("50% halfway");
        browser.awaitText("h1 .status", "succeeded");
        assertThat(browser.find("#result").getText()).contains("\"cwd_is_work_directory\": true");
        assertThat(browser.find("[data-field='peak-memory']").getText()).endsWith("MiB");
        assertThat(browser.find("[data-field='cpu']").getText()).endsWith(" s");
        assertThat(browser.find("#log").getText()).contains("holding at half");
    }

    @Test
    void aRunningSleepIsCancelledFromItsPageOnlyOnceThePersonConfirms() throws Exception {
        long id = submit("{\"type\": \"sleep\", \"payload\": {\"ms\": 120000}}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        browser.open(base + "/#/tasks/" + id);
        browser.awaitText("h1 .status", "running");

        browser.click("#cancel");
        browser.await("the question", d -> browser.find("#confirm").isDisplayed());
        browser.click("#confirm-no");
        Thread.sleep(500);
        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);

        browser.click("#cancel");
        browser.await("the question", d -> browser.find("#confirm").isDisplayed());
        browser.click("#confirm-yes");

        browser.awaitText("h1 .status", "cancelled");
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(browser.all("#cancel")).isEmpty();
    }

    @Test
    void aDeadLetterIsReplayedFromTheDeadLetterPageOnceItsCauseIsFixed() throws Exception {
        Path fixed = temp.resolve("fixed");
        long id = submit("{\"type\": \"exec\", \"max_attempts\": 1, \"payload\": {\"argv\": [\"test\", \"-f\", \""
                + fixed + "\"]}}");
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.FAILED);
        browser.open(base + "/#/dead");
        browser.await("the dead letter of task " + id, d -> row(id));
        Files.writeString(fixed, "");

        browser.click("tr[data-id='" + id + "'] button.replay");
        browser.await("the question", d -> browser.find("#confirm").isDisplayed());
        browser.click("#confirm-yes");

        browser.awaitText("#notice", "replayed");
        assertThat(fixture.awaitStatus(id, TaskStatus.SUCCEEDED).attempts()).isEqualTo(1);
        browser.await("the dead letter gone from the page", d -> row(id) == null);
    }

    @Test
    void theReadOnlyLoginSeesTasksButNoButtonThatChangesThem() throws Exception {
        long id = submit("{\"type\": \"sleep\", \"payload\": {\"ms\": 120000}}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        logIn(READ_ONLY);

        browser.open(base + "/#/tasks/" + id);
        browser.awaitText("h1 .status", "running");

        assertThat(browser.find("#who").getText()).isEqualTo("read-only");
        assertThat(browser.all("#cancel")).isEmpty();
        browser.open(base + "/#/tasks");
        browser.await("task " + id + " in the list", d -> row(id));
        assertThat(browser.all("#submit")).isEmpty();
        assertThat(api("POST", "/api/tasks/" + id + "/cancel", "").statusCode()).isEqualTo(200);
    }

    @Test
    void everyFileThePageLoadsComesFromTheServerItself() {
        browser.open(base + "/#/");
        browser.awaitText("#counts", "succeeded");

        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) browser.script(
                "return performance.getEntriesByType('resource').map(entry => entry.name)");

        assertThat(loaded).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith(base + "/"));
        assertThat(loaded).anySatisfy(url -> assertThat(url).endsWith("/assets/console.css"));
    }

    @Test
    void onAPhoneNoPageScrollsSideways() throws Exception {
        long id = submit("{\"type\": \"progressive\", \"payload\": {\"hold_ms\": 0}}");
        fixture.awaitTerminal(id);
        browser.resize(Browser.PHONE);
        try {
            for (String view : new String[] {"#/", "#/tasks", "#/tasks/" + id, "#/dead"}) {
                browser.open(base + "/" + view);
                browser.await(view + " drawn", d -> !browser.all("main h1").isEmpty());
                Thread.sleep(300);
                assertThat((Long) browser.script("return document.documentElement.scrollWidth - window.innerWidth"))
                        .as("how far %s scrolls sideways", view).isLessThanOrEqualTo(0L);
            }
        } finally {
            browser.resize(Browser.LAPTOP);
        }
    }

    /**
     * The pictures in README: the overview after a few tasks, and a task's page while it runs. They
     * are saved under target/console; {@code -Dtaskfork.console.screenshots=DIR} copies them to DIR,
     * which is how ops/console-screenshots renews README's.
     */
    @Test
    void theConsoleLooksAsReadmeShowsIt() throws Exception {
        for (int i = 0; i < 3; i++) {
            fixture.awaitTerminal(submit("{\"type\": \"echo\", \"payload\": {\"n\": " + i + "}}"));
        }
        long failing = submit("{\"type\": \"fail\", \"max_attempts\": 1, \"payload\": {\"message\": \"no such report\"}}");
        fixture.awaitTerminal(failing);
        long running = submit("{\"type\": \"progressive\", \"payload\": {\"hold_ms\": 8000}}");

        browser.open(base + "/#/");
        browser.await("the succeeded tasks counted", d ->
                Integer.parseInt(browser.find("[data-count='succeeded'] b").getText()) >= 3);
        Path overview = browser.screenshot(SCREENSHOTS.resolve("console-overview.png"));
        browser.open(base + "/#/tasks/" + running);
        browser.awaitText("#log", "holding at half");
        Path task = browser.screenshot(SCREENSHOTS.resolve("console-task.png"));

        assertThat(Files.size(overview)).isPositive();
        String copyTo = System.getProperty("taskfork.console.screenshots");
        if (copyTo != null) {
            for (Path picture : List.of(overview, task)) {
                Files.copy(picture, Path.of(copyTo).resolve(picture.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        fixture.awaitTerminal(running);
    }

    private void logIn(String token) {
        browser.open(base + "/login");
        browser.forgetCookies();
        browser.open(base + "/");
        browser.await("the login form", d -> browser.url().endsWith("/login") ? browser.find("#token") : null)
                .sendKeys(token);
        browser.click("#log-in");
        browser.await("the console", d -> browser.url().startsWith(base + "/") && !browser.url().contains("login"));
        browser.awaitText("main h1", "Overview");
    }

    private WebElement row(long id) {
        List<WebElement> rows = browser.all("tr[data-id='" + id + "']");
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Submits through the API, as any HTTP client would. */
    private static long submit(String body) throws Exception {
        HttpResponse<String> response = api("POST", "/api/tasks", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Json.parse(response.body()).get("id").asLong();
    }

    private static HttpResponse<String> api(String method, String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
