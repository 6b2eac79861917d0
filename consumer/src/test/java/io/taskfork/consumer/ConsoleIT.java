package io.taskfork.consumer;

import static io.taskfork.consumer.testing.ConsoleFixture.READ_ONLY;
import static io.taskfork.consumer.testing.ConsoleFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.testing.Browser;
import io.taskfork.consumer.testing.ConsoleFixture;
import io.taskfork.consumer.testing.SupervisorFixture;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.task.TaskStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person does in the console, in headless chromium against a real supervisor, database and
 * broker: logs in, watches tasks submitted through the API, reads a log, cancels, retries, replays.
 */
class ConsoleIT {

    private static ConsoleFixture console;
    private static SupervisorFixture fixture;
    private static Browser browser;

    @TempDir
    Path temp;

    @RegisterExtension
    final TestWatcher screenshots = console;

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleFixture.start(ConsoleIT.class, Map.of("TASKFORK_EXEC_ALLOW", "test"));
        fixture = console.supervisor();
        browser = console.browser();
    }

    @AfterAll
    static void stop() throws Exception {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void aTaskSubmittedThroughTheApiAppearsAndSucceedsWithoutAReload() throws Exception {
        console.logIn(TOKEN);
        browser.open(console.base() + "/#/tasks");
        browser.awaitText("h1", "Tasks");
        browser.script("window.sameDocument = true");

        long id = console.submit("{\"type\": \"progressive\", \"payload\": {\"hold_ms\": 1500}}");

        browser.await("task " + id + " in the list", d -> console.row(id));
        browser.awaitText("tr[data-id='" + id + "'] .status", "succeeded");
        assertThat(browser.script("return window.sameDocument === true")).as("the page was not reloaded").isEqualTo(true);
    }

    @Test
    void aTasksPageShowsItsProgressAndFollowsItsLogWhileItRuns() throws Exception {
        console.logIn(TOKEN);
        browser.open(console.base() + "/#/tasks/-1");
        browser.awaitText("#notice", "positive whole number");
        browser.script("location.hash = '#/tasks'");
        browser.await("the task list", d -> !browser.all("#tasks").isEmpty());
        assertThat(browser.find("#notice").isDisplayed()).as("the last view's error, gone with it").isFalse();
        long id = console.submit("{\"type\": \"progressive\", \"payload\": {\"hold_ms\": 5000}}");
        browser.open(console.base() + "/#/tasks");
        browser.await("task " + id + " in the list", d -> console.row(id));
        browser.click("tr[data-id='" + id + "'] a");

        browser.awaitText("#log", "holding at half");
        assertThat(browser.find("h1 .status").getText()).as("the log came while it ran").isEqualTo("running");
        String created = browser.find("[data-field='created']").getText();
        browser.await("its times counting on while the task runs on unchanged", d -> browser.find("h1 .status")
                .getText().equals("running") && !browser.find("[data-field='created']").getText().equals(created));
        // the progress comes by the row and the log by the live output: either may show first
        browser.awaitText("#progress-message", "50% halfway");
        assertThat(browser.find("#progress").getAttribute("value")).isEqualTo("50");
        assertThat(browser.find("h1 .status").getText()).as("the progress came while it ran").isEqualTo("running");
        browser.awaitText("h1 .status", "succeeded");
        assertThat(browser.find("#result").getText()).contains("\"cwd_is_work_directory\": true");
        assertThat(browser.find("[data-field='peak-memory']").getText()).endsWith("MiB");
        assertThat(browser.find("[data-field='cpu']").getText()).endsWith(" s");
        assertThat(browser.find("#log").getText()).contains("holding at half");
    }

    @Test
    void aRunningSleepIsCancelledFromItsPageOnlyOnceThePersonConfirms() throws Exception {
        console.logIn(TOKEN);
        long id = console.submit("{\"type\": \"sleep\", \"payload\": {\"ms\": 120000}}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        browser.open(console.base() + "/#/tasks/" + id);
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
        // recorded by the supervisor after the kill, and shown without a reload
        browser.await("the exit code and CPU of the killed child", d -> !browser.all("[data-field=exit-code]").isEmpty()
                && !browser.all("[data-field=cpu]").isEmpty());
        assertThat(browser.find("[data-field=exit-code]").getText()).isEqualTo("137");
    }

    @Test
    void aFailedTaskIsRetriedFromItsPageOnceItsCauseIsFixed() throws Exception {
        console.logIn(TOKEN);
        Path fixed = temp.resolve("fixed");
        long id = failingUntil(fixed);
        browser.open(console.base() + "/#/tasks/" + id);
        browser.awaitText("h1 .status", "failed");
        Files.writeString(fixed, "");

        browser.click("#retry");
        browser.await("the question", d -> browser.find("#confirm").isDisplayed());
        browser.click("#confirm-yes");

        browser.awaitText("h1 .status", "succeeded");
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.SUCCEEDED);
    }

    /** "Queued again" beside a task that failed again at once would contradict what the page shows. */
    @Test
    void aRetryThatFailsAgainLeavesNoWordOfItsQueueingBesideTheFailure() throws Exception {
        console.logIn(TOKEN);
        long id = failingUntil(temp.resolve("never-made"));
        Instant firstEnd = fixture.store().find(id).orElseThrow().finishedAt();
        browser.open(console.base() + "/#/tasks/" + id);
        browser.awaitText("h1 .status", "failed");

        browser.click("#retry");
        browser.await("the question", d -> browser.find("#confirm").isDisplayed());
        browser.click("#confirm-yes");
        browser.await("the retry's end", d -> {
            Instant end = fixture.store().find(id).orElseThrow().finishedAt();
            return end != null && end.isAfter(firstEnd);
        });
        browser.awaitText("h1 .status", "failed");

        assertThat(browser.find("#notice").isDisplayed()).as("the notice of the retry, outdated").isFalse();
    }

    @Test
    void aDeadLetterIsReplayedFromTheDeadLetterPageOnceItsCauseIsFixed() throws Exception {
        console.logIn(TOKEN);
        Path fixed = temp.resolve("fixed");
        long id = failingUntil(fixed);
        browser.open(console.base() + "/#/dead");
        browser.await("the dead letter of task " + id, d -> console.row(id));
        Files.writeString(fixed, "");

        browser.click("tr[data-id='" + id + "'] button.replay");
        browser.await("the question", d -> browser.find("#confirm").isDisplayed());
        browser.click("#confirm-yes");

        browser.awaitText("#notice", "task " + id + " replayed");
        assertThat(fixture.awaitStatus(id, TaskStatus.SUCCEEDED).attempts()).isEqualTo(1);
        browser.await("the dead letter gone from the page", d -> console.row(id) == null);
    }

    @Test
    void theReadOnlyLoginSeesTasksButCannotChangeThemAndMayLogOut() throws Exception {
        long id = console.submit("{\"type\": \"sleep\", \"payload\": {\"ms\": 120000}}");
        fixture.awaitStatus(id, TaskStatus.RUNNING);
        console.logIn(READ_ONLY);

        browser.open(console.base() + "/#/tasks/" + id);
        browser.awaitText("h1 .status", "running");

        assertThat(browser.find("#who").getText()).isEqualTo("read-only");
        assertThat(browser.all("#cancel")).isEmpty();
        // what the page would send, were there a button: its session's CSRF token and all
        Object status = browser.script("return fetch('/api/session').then(r => r.json()).then(s => fetch("
                + "'/api/tasks/" + id + "/cancel', {method: 'POST', headers: {'X-CSRF-Token': s.csrf}}))"
                + ".then(r => r.status)");
        assertThat(status).isEqualTo(403L);
        assertThat(fixture.store().find(id).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
        browser.open(console.base() + "/#/tasks");
        browser.await("task " + id + " in the list", d -> console.row(id));
        assertThat(browser.all("#submit")).isEmpty();

        browser.click("#logout");
        browser.await("the login form", d -> browser.url().endsWith("/login"));
        browser.open(console.base() + "/");
        assertThat(browser.url()).endsWith("/login");
        assertThat(console.api("POST", "/api/tasks/" + id + "/cancel", "").statusCode()).isEqualTo(200);
    }

    @Test
    void aPageAskedForBeforeTheLoginOrWhenItEndedIsTheOneShownAfterIt() throws Exception {
        long id = console.submit("{\"type\": \"echo\", \"payload\": {}}");
        fixture.awaitTerminal(id);
        browser.open(console.base() + "/login");
        browser.forgetCookies();

        browser.open(console.base() + "/#/tasks/" + id);
        browser.await("the login form", d -> browser.url().contains("/login") ? browser.find("#token") : null)
                .sendKeys("not-the-token-at-all-" + id);
        browser.click("#log-in");
        browser.await("the wrong token said", d -> browser.find("#failed").isDisplayed());
        browser.find("#token").sendKeys(TOKEN);
        browser.click("#log-in");
        browser.await("the task's page", d -> browser.url().endsWith("/#/tasks/" + id));
        browser.awaitText("h1 .status", "succeeded");

        browser.open(console.base() + "/#/tasks");
        browser.await("task " + id + " in the list", d -> console.row(id));
        browser.forgetCookies();
        browser.await("the login form, once the list's next read finds the login ended",
                d -> browser.url().endsWith("/login#/tasks"));
        browser.find("#token").sendKeys(TOKEN);
        browser.click("#log-in");
        browser.await("the list", d -> browser.url().endsWith("/#/tasks"));
        browser.await("task " + id + " in the list", d -> console.row(id));
    }

    @Test
    void olderPagesStayWhileNewTasksArriveAndNoRowIsLostOrShownTwice() throws Exception {
        console.logIn(TOKEN);
        // rows without messages: they wait as queued and never run
        for (int i = 0; i < 60; i++) {
            fixture.store().insert(new NewTask("page-filler", Json.parse("{}")));
        }
        browser.open(console.base() + "/#/tasks?type=page-filler");
        browser.await("the first page", d -> browser.all("#task-rows tr").size() == 50);

        browser.click("#older");
        browser.await("both pages", d -> browser.all("#task-rows tr").size() == 60);
        for (int i = 0; i < 5; i++) {
            fixture.store().insert(new NewTask("page-filler", Json.parse("{}")));
        }

        browser.await("the new tasks above the older pages", d -> browser.all("#task-rows tr").size() == 65);
        Thread.sleep(2500);
        assertThat(browser.all("#task-rows tr")).hasSize(65);
    }

    /** An exec task that fails, and is dead-lettered, while {@code fixed} does not exist. */
    private long failingUntil(Path fixed) throws Exception {
        long id = console.submit("{\"type\": \"exec\", \"max_attempts\": 1, \"payload\": {\"argv\": [\"test\", \"-f\", \""
                + fixed + "\"]}}");
        assertThat(fixture.awaitTerminal(id).status()).isEqualTo(TaskStatus.FAILED);
        return id;
    }
}
