package io.taskfork.consumer.supervisor.launch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.consumer.child.ChildProtocol;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import java.nio.file.Path;
import java.time.Duration;

/** The line a child is handed to run a task (see {@link ChildProtocol}). */
final class TaskRequest {

    // A child ends itself this long after its timeout, should its supervisor, though it still pings
    // the child, not have stopped it; one that stops altogether the child hears from no more.
    static final Duration OWN_DEADLINE_AFTER_TIMEOUT = Duration.ofSeconds(30);

    private TaskRequest() {
    }

    /**
     * @param handler the class of the task's type's handler, as the children listed it
     * @param timeout the task timeout, after which the supervisor kills the child
     */
    static ObjectNode of(Task task, Path workDirectory, String handler, Duration timeout) {
        ObjectNode request = Json.MAPPER.createObjectNode()
                .put(ChildProtocol.KIND, ChildProtocol.KIND_TASK)
                .put("id", task.id())
                .put("type", task.type())
                .put("attempt", task.attempts())
                .put(ChildProtocol.WORK_DIRECTORY, workDirectory.toString())
                .put(ChildProtocol.DEADLINE_MS, timeout.plus(OWN_DEADLINE_AFTER_TIMEOUT).toMillis())
                .put(ChildProtocol.HANDLER, handler);
        request.set("payload", task.payload());
        return request;
    }
}
