package io.taskfork.consumer.child;

import static io.taskfork.consumer.testing.PackagedConsumer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.consumer.child.handlers.EchoHandler;
import io.taskfork.consumer.child.handlers.SleepHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README, "Standby children": a standby child rehearses the task path before its request comes, so
 * that its task loads none of taskfork's classes (each one not in the class-data archive opens the
 * child jar, milliseconds on the way to the handler), and the archive, written by a rehearsing
 * child, holds them all; one whose request is waiting already skips the rehearsal.
 */
class RehearsalTest {

    private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (io\\.taskfork\\.\\S+) ");

    @TempDir
    Path folder;

    @Test
    void aTaskLoadsNoClassOfTaskforkThatTheRehearsalDidNotLoad() throws Exception {
        Set<String> rehearsed = loaded(List.of("-D" + ChildMain.REHEARSE_PROPERTY + "=true"), null, 70);
        String request = "{\"kind\":\"task\",\"id\":7,\"type\":\"echo\",\"attempt\":1,\"handler\":\""
                + EchoHandler.class.getName() + "\",\"workDirectory\":\"" + folder + "\",\"payload\":{\"a\":[1,2]}}";
        Set<String> task = loaded(List.of(), request, 0);

        assertThat(rehearsed).as("the rehearsal ran the task path").contains(EchoHandler.class.getName());
        Set<String> late = new TreeSet<>(task);
        late.removeAll(rehearsed);
        assertThat(late).as("loaded by a task but not by the rehearsal").isEmpty();
    }

    @Test
    void aStandbyChildWhoseRequestIsWaitingSkipsTheRehearsalAndOneWithoutItRehearses() throws Exception {
        List<String> standby = List.of("-D" + ChildMain.REHEARSE_PROPERTY + "=" + ChildMain.REHEARSE_UNLESS_ASKED);
        String sleep = "{\"kind\":\"task\",\"id\":8,\"type\":\"sleep\",\"attempt\":1,\"handler\":\""
                + SleepHandler.class.getName() + "\",\"workDirectory\":\"" + folder + "\",\"payload\":{\"ms\":0}}";

        // the request is written as the JVM starts, long before its main method looks
        assertThat(loaded(standby, sleep, 0)).as("asked at once: no rehearsal, whose handler is echo's")
                .contains(SleepHandler.class.getName()).doesNotContain(EchoHandler.class.getName());
        assertThat(loaded(standby, null, 70)).as("not asked: it rehearses").contains(EchoHandler.class.getName());
        assertThat(loaded(List.of("-D" + ChildMain.REHEARSE_PROPERTY + "=true"), sleep, 0))
                .as("the child that writes the archive rehearses even when asked at once")
                .contains(EchoHandler.class.getName(), SleepHandler.class.getName());
    }

    /**
     * The child that writes the archive is asked to prepare, not to list the types: it loads the
     * handlers' classes, and not the annotation that names their types, which a JDK 25 child would
     * otherwise load from the archive at every start (with the service loader's machinery).
     */
    @Test
    void theChildThatWritesTheArchiveLoadsTheHandlersButListsNoTypes() throws Exception {
        String prepare = "{\"kind\":\"prepare\",\"handlers\":[\"" + SleepHandler.class.getName() + "\",\""
                + EchoHandler.class.getName() + "\",\"no.such.Handler\"]}";

        Set<String> classes = loaded(List.of("-D" + ChildMain.REHEARSE_PROPERTY + "=true"), prepare, 0,
                ChildProtocol.PREPARED);

        assertThat(classes).contains(SleepHandler.class.getName(), EchoHandler.class.getName())
                .doesNotContain(TaskType.class.getName());
    }

    /** taskfork's classes a child loads: one with no request (stdin ends at once), or one that runs {@code request}. */
    private Set<String> loaded(List<String> flags, String request, int exitCode) throws IOException, InterruptedException {
        return loaded(flags, request, exitCode, ChildProtocol.RESULT);
    }

    /** The same, for a request whose last event is {@code last}. */
    private Set<String> loaded(List<String> flags, String request, int exitCode, String last)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:off", "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path")));
        command.addAll(flags);
        command.addAll(List.of(ChildMain.class.getName(), folder.resolve("events-" + System.nanoTime()).toString()));
        Path output = folder.resolve("output-" + System.nanoTime());
        Process child = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(output.toFile())
                .start();
        try (OutputStream stdin = child.getOutputStream()) {
            if (request != null) {
                stdin.write((request + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                // stdin held open until the report is out: its end before that reads as an orphaning
                Path events = Path.of(command.get(command.size() - 1));
                awaitTrue(() -> holds(events, last), "the child reported " + last);
            }
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child ended").isTrue();
        String log = Files.readString(output);
        assertThat(child.exitValue()).as(log).isEqualTo(exitCode);
        Set<String> classes = new TreeSet<>();
        Matcher matcher = LOADED.matcher(log);
        while (matcher.find()) {
            classes.add(matcher.group(1));
        }
        return classes;
    }

    /** Whether the child's events so far, in {@code events}, hold its result. */
    static boolean holdsResult(Path events) {
        return holds(events, ChildProtocol.RESULT);
    }

    private static boolean holds(Path events, String event) {
        try {
            return Files.exists(events) && Files.readString(events).contains("\"" + event + "\"");
        } catch (IOException unreadable) {
            return false;
        }
    }
}
