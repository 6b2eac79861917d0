package io.taskfork.consumer;

import static io.taskfork.consumer.testing.ConsoleFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.Browser;
import io.taskfork.consumer.testing.ConsoleFixture;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.WebElement;

/** How the console shows what it shows: its own files only, task text as text, secrets hidden, a phone's width. */
class ConsoleViewsIT {

    private static final Path SCREENSHOTS = Path.of("target", "console");

    private static ConsoleFixture console;
    private static SupervisorFixture fixture;
    private static Browser browser;

    @RegisterExtension
    final TestWatcher screenshots = console;

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleFixture.start(ConsoleViewsIT.class, Map.of("TASKFORK_EXEC_ALLOW", "echo,true"));
        fixture = console.supervisor();
        browser = console.browser();
    }

    @AfterAll
    static void stop() throws Exception {
        if (console != null) {
            console.close();
        }
    }

    @BeforeEach
    void logIn() {
        console.logIn(TOKEN);
    }

    @Test
    void everyFileThePageLoadsComesFromTheServerItself() {
        browser.open(console.base() + "/#/");
        browser.awaitText("#counts", "succeeded");

        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) browser.script(
                "return performance.getEntriesByType('resource').map(entry => entry.name)");

        assertThat(loaded).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith(console.base() + "/"));
        assertThat(loaded).anySatisfy(url -> assertThat(url).endsWith("/assets/console.css"));
    }

    @Test
    void markupInAPayloadOrLogIsShownAsTextAndNeverRuns() throws Exception {
        String markup = "<img src=x onerror=\\\"window.ran = true\\\"><script>window.ran = true</script>";
        long id = console.submit("{\"type\": \"exec\", \"payload\": {\"argv\": [\"echo\", \"" + markup + "\"]}}");
        fixture.awaitTerminal(id);

        browser.open(console.base() + "/#/tasks/" + id);
        browser.awaitText("#log", "<script>");

        assertThat(browser.find("#payload").getText()).contains("<img src=x onerror=");
        assertThat(browser.all("main img, main script")).isEmpty();
        assertThat(browser.script("return window.ran === undefined")).isEqualTo(true);
    }

    @Test
    void whatTheFormWasToldOfItsPayloadGoesOnceThePersonEditsIt() {
        browser.open(console.base() + "/#/tasks");
        browser.click("details:has(> #submit) > summary");
        browser.find("#submit input[name=type]").sendKeys("echo");
        WebElement payload = browser.find("#submit textarea[name=payload]");
        payload.clear();
        payload.sendKeys("{\"a\": ");
        browser.click("#submit button[type=submit]");
        browser.awaitText("#notice", "The payload is not JSON");

        payload.sendKeys("1}");
        // a value the browser's own check refuses: the form's submit never runs to say anything new
        browser.find("#submit input[name=max_attempts]").sendKeys("500");
        browser.click("#submit button[type=submit]");

        assertThat(browser.find("#notice").isDisplayed()).as("the notice about the payload").isFalse();
    }

    @Test
    void anExecTasksEnvValuesAreShownAsStars() throws Exception {
        long id = console.submit("{\"type\": \"exec\", \"payload\": {\"argv\": [\"true\"],"
                + " \"env\": {\"API_KEY\": \"sk-never-on-screen\"}}}");
        fixture.awaitTerminal(id);

        browser.open(console.base() + "/#/tasks/" + id);
        browser.awaitText("#payload", "API_KEY");

        assertThat(browser.find("#payload").getText()).contains("\"API_KEY\": \"***\"").doesNotContain("sk-never");
    }

    @Test
    void aLogFollowedAcrossAttemptsKeepsTheEarlierOnesEachNewOneUnderAMarker() throws Exception {
        long id = console.submit("{\"type\": \"flaky\", \"payload\": {\"succeed_on\": 2,"
                + " \"say\": \"said on every attempt\", \"hold_ms\": 3000}}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);

        browser.open(console.base() + "/#/tasks/" + id);
        browser.awaitText("#log", "said on every attempt");
        browser.awaitText("h1 .status", "succeeded");

        assertThat(browser.find("#log").getText())
                .isEqualTo("said on every attempt\n--- attempt 2 ---\nsaid on every attempt\nattempt 2");
    }

    @Test
    void onAPhoneNothingScrollsSideways() throws Exception {
        long id = console.submit("{\"type\": \"progressive\", \"payload\": {\"hold_ms\": 0}}");
        fixture.awaitTerminal(id);
        browser.resize(Browser.PHONE);
        try {
            for (String view : new String[] {"#/", "#/tasks", "#/tasks/" + id, "#/dead"}) {
                browser.open(console.base() + "/" + view);
                browser.await(view + " drawn", d -> !browser.all("main h1").isEmpty());
                Thread.sleep(300);
                assertThat((Long) browser.script("return document.documentElement.scrollWidth - window.innerWidth"))
                        .as("how far %s scrolls sideways", view).isLessThanOrEqualTo(0L);
                assertThat((Long) browser.script("return [...document.querySelectorAll('.scroll')]"
                        + ".filter(box => box.scrollWidth > box.clientWidth).length"))
                        .as("tables of %s that scroll sideways", view).isZero();
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
            fixture.awaitTerminal(console.submit("{\"type\": \"echo\", \"payload\": {\"n\": " + i + "}}"));
        }
        fixture.awaitTerminal(console.submit("{\"type\": \"fail\", \"max_attempts\": 1,"
                + " \"payload\": {\"message\": \"no such report\"}}"));
        long running = console.submit("{\"type\": \"progressive\", \"payload\": {\"hold_ms\": 8000}}");

        browser.open(console.base() + "/#/");
        browser.await("the succeeded tasks counted", d ->
                Integer.parseInt(browser.find("[data-count='succeeded'] b").getText()) >= 3);
        Path overview = browser.screenshot(SCREENSHOTS.resolve("console-overview.png"));
        browser.open(console.base() + "/#/tasks/" + running);
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
}
