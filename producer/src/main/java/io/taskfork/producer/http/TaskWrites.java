package io.taskfork.producer.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.task.TaskInput;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.Inserted;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.TaskStatus;
import java.io.IOException;
import java.util.Optional;

/** The endpoints that change tasks: submit and cancel, by the rules of {@code enqueue} lines and {@code cancel}. */
final class TaskWrites {

    private final TaskPublisher publisher;
    private final TaskStore store;

    TaskWrites(TaskPublisher publisher, TaskStore store) {
        this.publisher = publisher;
        this.store = store;
    }

    /**
     * {@code POST /api/tasks}: the body is what an {@code enqueue} line holds. 201 and a
     * {@code Location} for a new task; 200 and the holder when a live task holds its unique key.
     * The body is checked whole before anything is written.
     */
    void submit(Context ctx) throws IOException {
        NewTask task;
        try {
            task = TaskInput.fromJson(ServerErrors.body(ctx), "a request body");
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
        Inserted inserted = publisher.submit(task);
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("id", inserted.id())
                .put("created", inserted.created())
                .put("status", inserted.status().value());
        if (inserted.created()) {
            ctx.header("Location", "/api/tasks/" + inserted.id());
        }
        Answers.json(ctx, inserted.created() ? 201 : 200, body);
    }

    /**
     * {@code POST /api/tasks/{id}/cancel}: as {@code cancel ID}, a task that has not ended is
     * cancelled (a running one's child is killed by its supervisor); 404 for none, 409 for one
     * that has ended.
     */
    void cancel(Context ctx) {
        long id = Answers.taskId(ctx);
        Optional<TaskStatus> before = store.cancel(id);
        if (before.isEmpty()) {
            throw ApiProblem.notFound("no task " + id);
        }
        if (before.get().isTerminal()) {
            throw ApiProblem.conflict("task " + id + " has already ended (" + before.get().value() + ")");
        }
        Answers.json(ctx, 200, Json.MAPPER.createObjectNode()
                .put("id", id)
                .put("before", before.get().value())
                .put("status", TaskStatus.CANCELLED.value()));
    }
}
