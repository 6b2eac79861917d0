package io.taskfork.producer.http;

import io.javalin.http.Context;
import io.taskfork.shared.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 description of this API. It is written by hand,
 * beside this class as {@code openapi.json}, and kept true by {@code OpenApiIT}, which checks it
 * against the server's real answers and routes.
 */
final class OpenApiDocument {

    static final String RESOURCE = "openapi.json";

    private final String json;

    private OpenApiDocument(String json) {
        this.json = json;
    }

    /** Reads the document once; a missing or broken one fails the start, not the first client that asks. */
    static OpenApiDocument load() {
        String json = new String(JarResources.read(OpenApiDocument.class, RESOURCE), StandardCharsets.UTF_8);
        Json.parse(json);
        return new OpenApiDocument(json);
    }

    void serve(Context ctx) {
        ctx.status(200).contentType(Answers.JSON).result(json);
    }
}
