package io.taskfork.producer.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.taskfork.producer.dlq.Dlq;
import io.taskfork.producer.dlq.ReplayChoice;
import io.taskfork.producer.dlq.ReplaySummary;
import io.taskfork.producer.dlq.RetryOutcome;
import io.taskfork.shared.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The dead-letter endpoints and retry, each through the {@link Dlq} that {@code dlq list} and
 * {@code dlq replay} use, so that the API lists, replays and resets by the very same rules.
 */
final class DeadLetters {

    /** As many as {@code dlq list} shows by default. */
    static final int LIST_LIMIT = 1000;
    /** More IDs than anyone replays by hand; a bound, so one request cannot hold the queue for long. */
    static final int MAX_IDS = 1000;

    private final Dlq dlq;

    DeadLetters(Dlq dlq) {
        this.dlq = dlq;
    }

    /** {@code GET /api/dead}: the first 1000 dead letters, each as {@code dlq list --json} prints it. */
    void list(Context ctx) {
        Dlq.JsonListing listing = dlq.listJson(LIST_LIMIT);
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("queue", dlq.queueName())
                .put("total", listing.total());
        ArrayNode letters = body.putArray("letters");
        listing.letters().forEach(letters::add);
        Answers.json(ctx, 200, body);
    }

    /** {@code POST /api/dead/replay}: {@code {"ids": [N, ...]}}, replayed as {@code dlq replay ID...} does. */
    void replay(Context ctx) throws IOException {
        ReplayChoice choice = ReplayChoice.tasks(ids(ServerErrors.body(ctx)));
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        ReplaySummary summary = dlq.replay(choice, silent, silent);
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("replayed", summary.replayed())
                .put("duplicates_removed", summary.duplicates())
                .put("not_replayed", summary.notReplayable())
                .put("complete", summary.complete());
        ArrayNode results = body.putArray("results");
        for (ReplaySummary.Line line : summary.lines()) {
            results.addObject()
                    .put("id", line.taskId())
                    .put("outcome", line.kind().value())
                    .put("message", line.text());
        }
        Answers.json(ctx, 200, body);
    }

    /**
     * {@code POST /api/tasks/{id}/retry}: a failed, crashed or expired task runs again, reset as a
     * replay resets it, its dead letter removed; 409 for any other status, 404 for no task.
     */
    void retry(Context ctx) {
        long id = Answers.taskId(ctx);
        RetryOutcome outcome = dlq.retry(id);
        if (outcome.noSuchTask()) {
            throw ApiProblem.notFound("no task " + id);
        }
        if (!outcome.retried()) {
            throw ApiProblem.conflict(outcome.why());
        }
        Answers.json(ctx, 200, Json.MAPPER.createObjectNode()
                .put("id", id)
                .put("before", outcome.before().value())
                .put("status", "queued"));
    }

    /** The task IDs of a replay's body, each a positive whole number; anything else is 400, before anything is read. */
    static List<Long> ids(String text) {
        JsonNode body;
        try {
            body = Json.parse(text);
        } catch (RuntimeException e) {
            throw ApiProblem.badRequest("the body is not JSON: expected {\"ids\": [N, ...]}");
        }
        if (body == null || !body.isObject()) {
            throw ApiProblem.badRequest("the body must be a JSON object: {\"ids\": [N, ...]}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("ids")) {
                throw ApiProblem.badRequest("unknown field \"" + name + "\": expected only \"ids\"");
            }
        }
        JsonNode ids = body.get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw ApiProblem.badRequest("\"ids\" must be a non-empty array of task IDs");
        }
        if (ids.size() > MAX_IDS) {
            throw ApiProblem.badRequest("\"ids\" holds " + ids.size() + " IDs; at most " + MAX_IDS + " at once");
        }
        List<Long> taskIds = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() < 1) {
                throw ApiProblem.badRequest("\"ids\" holds " + id + ": a task ID is a positive whole number");
            }
            taskIds.add(id.asLong());
        }
        return taskIds;
    }
}
