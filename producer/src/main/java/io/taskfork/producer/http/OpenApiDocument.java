package io.taskfork.producer.http;

import io.javalin.http.Context;
import io.taskfork.shared.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + RESOURCE + " beside " + OpenApiDocument.class.getName());
            }
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Json.parse(json);
            return new OpenApiDocument(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    void serve(Context ctx) {
        ctx.status(200).contentType(Answers.JSON).result(json);
    }
}
