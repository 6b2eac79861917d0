package io.taskfork.producer.http;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.taskfork.shared.store.TaskWatch;
import io.taskfork.shared.store.TaskWatch.Snapshot;
import java.util.List;

/**
 * {@code GET /api/tasks/{id}/events}: the task's changes as server-sent events until it ends. The
 * first events come from this request's own read; the later ones from the {@link EventPoller}.
 */
final class TaskEvents {

    private static final String EVENT_STREAM = "text/event-stream";

    private final TaskWatch watch;
    private final EventPoller poller;

    TaskEvents(TaskWatch watch, EventPoller poller) {
        this.watch = watch;
        this.poller = poller;
    }

    void stream(Context ctx) throws Exception {
        long id = Answers.taskId(ctx);
        // Javalin's SseHandler streams only to this exact Accept header and answers anything else
        // with an empty 200: say so instead.
        if (!EVENT_STREAM.equals(ctx.header("Accept"))) {
            throw ApiProblem.notAcceptable("this endpoint streams events: send Accept: " + EVENT_STREAM);
        }
        Snapshot first = watch.read(List.of(id)).get(id);
        if (first == null) {
            throw ApiProblem.notFound("no task " + id);
        }
        new SseHandler(client -> follow(client, first)).handle(ctx);
    }

    private void follow(SseClient client, Snapshot first) {
        client.keepAlive();
        TaskFollower follower = new TaskFollower(client);
        if (follower.see(first)) {
            client.onClose(() -> poller.unfollow(first.id(), follower));
            poller.follow(first.id(), follower);
        }
    }
}
