package io.taskfork.producer.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.wire.WireFormat;

/** How every answer of the API is written: JSON bodies by the project's own mapper, errors as one line. */
final class Answers {

    static final String JSON = "application/json";

    private Answers() {
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType(JSON).result(Json.write(body));
    }

    static void problem(Context ctx, ApiProblem problem) {
        problem.headers().forEach(ctx::header);
        error(ctx, problem.status(), problem.getMessage());
    }

    static void error(Context ctx, int status, String message) {
        json(ctx, status, Json.MAPPER.createObjectNode().put("error", WireFormat.oneLine(String.valueOf(message))));
    }

    /** The {@code {id}} of the path: a task ID, or 400. */
    static long taskId(Context ctx) {
        String text = ctx.pathParam("id");
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            if (text.matches("[0-9]{19,}")) {
                // a whole number from 1 up, but past any ID a task can have
                throw ApiProblem.badRequest("a task ID is at most " + Long.MAX_VALUE + ", not \"" + text + "\"");
            }
        }
        throw ApiProblem.badRequest("a task ID is a positive whole number, not \"" + text + "\"");
    }
}
