package io.taskfork.consumer.child.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.taskfork.consumer.child.Sessions;
import io.taskfork.consumer.child.Signals;
import io.taskfork.shared.config.Values;
import io.taskfork.shared.handler.NonRetryableException;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code exec}: runs an external command — an agent CLI, a script, a converter — under the child
 * JVM, which waits for it. Payload: {@code {"argv": [...], "cwd": "...", "env": {...}, "stdin":
 * "...", "timeout": "5m", "result": "last-json-line"}}; only {@code argv} is required. Its output is
 * streamed into the task's log as it comes; exit code 0 succeeds, any other fails the attempt with
 * the code and the tail of stderr.
 */
@TaskType("exec")
public final class ExecHandler implements TaskHandler {

    private static final String LAST_JSON_LINE = "last-json-line";
    private static final List<String> FIELDS = List.of("argv", "cwd", "env", "stdin", "result", "timeout");

    @Override
    public Object handle(TaskContext context) throws Exception {
        ExecLimits limits = ExecLimits.fromSystemProperties();
        JsonNode payload = context.payload();
        checkFields(payload);
        List<String> argv = argv(payload);
        limits.check(argv.get(0));
        Path cwd = payload.hasNonNull("cwd") ? limits.checkCwd(payload.get("cwd").textValue())
                : context.workDirectory();
        // read before the start, as every field: the command would otherwise run without its limit
        Duration timeout = payload.hasNonNull("timeout") ? timeout(payload.get("timeout")) : null;
        // Under bwrap a bare name would be looked up on the task's own PATH, which it may set: the
        // listed name is found here, on the child's PATH, as ProcessBuilder finds it without bwrap.
        List<String> command = limits.sandbox()
                ? Bubblewrap.wrap(ExecLimits.foundOnPath(argv, List.of(context.workDirectory(), cwd)),
                        context.workDirectory(), cwd, limits.network(), limits.tmpBytes())
                : argv;
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        environment(builder.environment(), limits, payload.path("env"));
        CommandOutput stdout = CommandOutput.ready(System.out, "stdout");
        CommandOutput stderr = CommandOutput.ready(System.err, "stderr");
        Process process = null;
        try {
            process = builder.start();
        } catch (IOException e) {
            // no such program, or none this user may run: every attempt would fail alike
            if (String.valueOf(e.getMessage()).matches("(?s).*error=(2|13),.*")) {
                throw new NonRetryableException("command " + argv.get(0) + " cannot be run: " + e.getMessage());
            }
            throw e;
        } finally {
            if (process == null) {
                stdout.abandon();
                stderr.abandon();
            }
        }
        stdout.read(process.getInputStream());
        stderr.read(process.getErrorStream());
        feed(process, payload.path("stdin"));
        boolean ended = waitFor(process, timeout);
        if (!ended) {
            killTree(process);
        }
        killLeftovers();
        if (!ended) {
            throw new IllegalStateException("command " + argv.get(0) + " ran longer than its timeout of "
                    + Values.format(timeout) + " and was killed with its process tree");
        }
        stdout.join();
        stderr.join();
        int exitCode = process.exitValue();
        if (exitCode != 0) {
            throw new IllegalStateException("command " + argv.get(0) + " exited with code " + exitCode
                    + Signals.ofExitCode(exitCode) + stderr.tailForMessage());
        }
        if (LAST_JSON_LINE.equals(payload.path("result").asText(null))) {
            return stdout.lastJsonLine().orElseThrow(() -> new NonRetryableException(
                    "command " + argv.get(0) + " printed no JSON line on stdout to take as the result"));
        }
        return Map.of("exit_code", exitCode);
    }

    // A misspelt field ("timout") would otherwise be dropped, and the command run without its limit.
    private static void checkFields(JsonNode payload) {
        payload.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw new NonRetryableException("unknown field \"" + name + "\": an exec payload holds only "
                        + String.join(", ", FIELDS));
            }
        });
        JsonNode stdin = payload.path("stdin");
        if (!stdin.isMissingNode() && !stdin.isNull() && !stdin.isTextual()) {
            throw new NonRetryableException("\"stdin\" must be a string: the text written to the command's stdin");
        }
        JsonNode cwd = payload.path("cwd");
        if (!cwd.isMissingNode() && !cwd.isNull() && !cwd.isTextual()) {
            throw new NonRetryableException("\"cwd\" must be a string: a directory under TASKFORK_EXEC_ROOTS");
        }
        JsonNode result = payload.path("result");
        if (!result.isMissingNode() && !result.isNull() && !LAST_JSON_LINE.equals(result.asText(null))) {
            throw new NonRetryableException("\"result\" must be \"" + LAST_JSON_LINE + "\", or left out for"
                    + " {\"exit_code\": 0}");
        }
    }

    private static List<String> argv(JsonNode payload) {
        JsonNode argv = payload.path("argv");
        if (!argv.isArray() || argv.isEmpty()) {
            throw new NonRetryableException("payload needs \"argv\": a non-empty array of strings");
        }
        List<String> words = new ArrayList<>();
        argv.forEach(word -> {
            if (!word.isTextual()) {
                throw new NonRetryableException("every element of \"argv\" must be a string, not " + word);
            }
            words.add(word.asText());
        });
        return words;
    }

    /** Only the pass-through variables and the task's own: none of what else the child inherited. */
    private static void environment(Map<String, String> environment, ExecLimits limits, JsonNode taskEnv) {
        environment.clear();
        for (String name : limits.envPass()) {
            String value = System.getenv(name);
            if (value != null) {
                environment.put(name, value);
            }
        }
        if (taskEnv.isMissingNode() || taskEnv.isNull()) {
            return;
        }
        if (!taskEnv.isObject()) {
            throw new NonRetryableException("\"env\" must be an object of strings");
        }
        taskEnv.fields().forEachRemaining(entry -> {
            String reader = CodeVariables.reader(entry.getKey());
            if (reader != null) {
                throw new NonRetryableException("\"env\" may not set " + entry.getKey() + ": " + reader + " would"
                        + " run code of the task's choosing inside an allowed command");
            }
            if (!entry.getValue().isTextual()) {
                throw new NonRetryableException("\"env\" value of " + entry.getKey() + " must be a string");
            }
            // what the process's environment cannot hold: the JDK would refuse it at the start, every attempt
            if (entry.getKey().isEmpty() || entry.getKey().contains("=") || entry.getKey().indexOf('\0') >= 0
                    || entry.getValue().asText().indexOf('\0') >= 0) {
                throw new NonRetryableException("\"env\" name " + TextNode.valueOf(entry.getKey()) + " cannot be an"
                        + " environment variable: a name is not empty and holds no = or NUL, nor a value a NUL");
            }
            environment.put(entry.getKey(), entry.getValue().asText());
        });
    }

    // The command gets its own stdin, never the child's: the child's is its lifeline to the supervisor.
    private static void feed(Process process, JsonNode stdin) throws IOException {
        try (OutputStream in = process.getOutputStream()) {
            if (stdin.isTextual()) {
                in.write(stdin.asText().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException commandClosedItsStdin) {
            // it did not want to read; its exit code tells whether that mattered
        }
    }

    private static Duration timeout(JsonNode value) {
        if (!value.isTextual()) {
            throw new NonRetryableException("\"timeout\" must be a string: a duration such as 500ms, 30s, 10m or 1h");
        }
        try {
            return Values.parseDuration(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new NonRetryableException("\"timeout\": " + e.getMessage());
        }
    }

    private static boolean waitFor(Process process, Duration timeout) throws InterruptedException {
        if (timeout == null) {
            process.waitFor();
            return true;
        }
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * What the command left running, such as a process it put in the background, is no longer a
     * descendant once the command has exited, and would outlive the task, or hold its output open
     * until the task's timeout. Where this JVM's parent takes in orphans (a PID namespace, or
     * taskfork-child-init's subreaper), it is every other child of that parent, a daemon that left
     * the session included; else it is found by its session, when this JVM leads one of its own.
     */
    private static void killLeftovers() throws InterruptedException {
        ProcessHandle self = ProcessHandle.current();
        Optional<ProcessHandle> parent = self.parent();
        if (Boolean.getBoolean(Sessions.PARENT_ADOPTS) && parent.isPresent() && adopts(parent.get())) {
            Sessions.killOtherChildren(parent.get().pid(), self.pid());
        } else if (Sessions.leadsOwnSession()) {
            Sessions.killAllButLeader(self.pid());
        }
    }

    /**
     * Whether {@code parent} is a namespace's first process or taskfork-child-init, as the supervisor
     * says where it sets the property: looked at again, since TASKFORK_CHILD_JAVA_OPTIONS could set it
     * where the parent is the supervisor itself, whose other children are other tasks' JVMs.
     */
    private static boolean adopts(ProcessHandle parent) {
        return parent.pid() == 1
                || parent.info().command().map(command -> command.endsWith("/taskfork-child-init")).orElse(false);
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
