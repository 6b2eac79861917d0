package io.taskfork.producer.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.taskfork.producer.task.TaskJson;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.store.TaskPages;
import io.taskfork.shared.store.TaskStore;
import io.taskfork.shared.task.Task;

/** The endpoints that only read: one task, a page of tasks, a task's log. */
final class TaskReads {

    private final TaskStore store;

    TaskReads(TaskStore store) {
        this.store = store;
    }

    /** {@code GET /api/tasks/{id}}: the row as {@code status ID --json} prints it. */
    void one(Context ctx) {
        Answers.json(ctx, 200, TaskJson.of(existing(Answers.taskId(ctx))));
    }

    /** {@code GET /api/tasks}: newest first, with the {@code before} of the next page, null on the last. */
    void page(Context ctx) {
        TaskPages.Page page = store.pages().newest(ListParameters.parse(ctx.queryParamMap()));
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode tasks = body.putArray("tasks");
        page.tasks().forEach(task -> tasks.add(TaskJson.of(task)));
        body.put("next_before", page.nextBefore());
        Answers.json(ctx, 200, body);
    }

    /** {@code GET /api/tasks/{id}/log}: the captured output so far, empty when there is none yet. */
    void log(Context ctx) {
        long id = existing(Answers.taskId(ctx)).id();
        ctx.status(200).contentType("text/plain; charset=utf-8").result(store.log(id).orElse(""));
    }

    private Task existing(long id) {
        return store.find(id).orElseThrow(() -> ApiProblem.notFound("no task " + id));
    }
}
