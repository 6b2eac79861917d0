package io.taskfork.producer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.taskfork.shared.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API's OpenAPI document as a contract that real answers are held to: an answer's status must
 * be documented for its operation, and so must its content type; the headers documented as
 * required must be there; and its body must be valid by the documented schema, checked by
 * networknt's json-schema-validator in the OpenAPI 3.1 dialect, formats included. It remembers
 * each answer it checked, so that a test can demand that every documented one was seen.
 * Operations are named {@code "GET /api/tasks/{id}"}, answers {@code "GET /api/tasks/{id} 404"}.
 */
final class OpenApiContract {

    // Only the name the document goes by in the registry, which is handed the text itself.
    private static final String BASE = "https://taskfork.invalid/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");
    private static final String JSON = "application/json";

    private final JsonNode document;
    private final SchemaRegistry registry;
    private final Set<String> seen = new TreeSet<>();

    OpenApiContract(String json) {
        this.document = Json.parse(json);
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
                builder -> builder.schemas(Map.of(BASE, json)));
    }

    Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(key -> {
            if (METHODS.contains(key)) {
                operations.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    /**
     * Every answer documented, but 500 and 503: a server that fails on purpose would need a broken
     * database, and one whose services are away would need them taken away under every operation.
     */
    Set<String> documentedAnswers() {
        Set<String> answers = new TreeSet<>();
        for (String operation : operations()) {
            operationNode(operation).path("responses").fieldNames().forEachRemaining(status -> {
                if (!status.equals("500") && !status.equals("503")) {
                    answers.add(operation + " " + status);
                }
            });
        }
        return answers;
    }

    /** The operations that take a request body. */
    Set<String> operationsWithABody() {
        Set<String> operations = new TreeSet<>(operations());
        operations.removeIf(operation -> !operationNode(operation).has("requestBody"));
        return operations;
    }

    boolean documents(String operation, int status) {
        return operationNode(operation).path("responses").has(Integer.toString(status));
    }

    Set<String> seen() {
        return seen;
    }

    /** A request body the test sends as a client would: valid by the documented schema. */
    void checkRequest(String operation, String body) {
        String pointer = operationPointer(operation) + "/requestBody/content/" + escape(JSON) + "/schema";
        assertValid(operation + " request", pointer, body);
    }

    void check(String operation, HttpCalls.Reply reply) {
        String answer = operation + " " + reply.status();
        String documented = operationPointer(operation) + "/responses/" + reply.status();
        assertThat(document.at(documented).isObject())
                .as("%s is not documented; it answered %s", answer, reply.body()).isTrue();
        String pointer = followRef(documented);
        checkHeaders(answer, pointer, reply);
        JsonNode content = document.at(pointer).path("content");
        if (content.isEmpty()) {
            assertThat(reply.body()).as("%s documents no body", answer).isEmpty();
        } else {
            String mediaType = mediaType(reply.header("Content-Type"));
            List<String> mediaTypes = content.properties().stream().map(Map.Entry::getKey).toList();
            assertThat(mediaTypes).as("%s: the content types it documents", answer).contains(mediaType);
            String mediaPointer = pointer + "/content/" + escape(mediaType);
            // A body that is not JSON is checked as the JSON string it is.
            String instance = mediaType.equals(JSON) ? reply.body() : Json.write(TextNode.valueOf(reply.body()));
            assertValid(answer + " body", mediaPointer + "/schema", instance);
            if (document.at(mediaPointer).has("x-events")) {
                checkEvents(answer, mediaPointer + "/x-events", reply.body());
            }
        }
        seen.add(answer);
    }

    /** The headers a response documents: there when required, and valid by their schemas when there. */
    private void checkHeaders(String answer, String pointer, HttpCalls.Reply reply) {
        document.at(pointer).path("headers").properties().forEach(header -> {
            String value = reply.header(header.getKey());
            if (header.getValue().path("required").asBoolean()) {
                assertThat(value).as("%s without its header %s", answer, header.getKey()).isNotNull();
            }
            if (value != null) {
                assertValid(answer + " header " + header.getKey(), pointer + "/headers/" + escape(header.getKey())
                        + "/schema", Json.write(TextNode.valueOf(value)));
            }
        });
    }

    /** Each server-sent event's data must be valid by the schema documented for its name. */
    private void checkEvents(String answer, String eventsPointer, String stream) {
        List<ServerSentEvents.Event> events = ServerSentEvents.parse(stream);
        assertThat(events).as("%s sent no events: %s", answer, stream).isNotEmpty();
        for (ServerSentEvents.Event event : events) {
            assertThat(document.at(eventsPointer).has(event.name()))
                    .as("%s sent the undocumented event %s", answer, event.name()).isTrue();
            assertValid(answer + " event " + event.name(), eventsPointer + "/" + escape(event.name()), event.data());
        }
    }

    private void assertValid(String what, String pointer, String instance) {
        List<Error> errors = registry.getSchema(SchemaLocation.of(BASE + "#" + pointer)).validate(instance,
                InputFormat.JSON, context -> context.executionConfig(config -> config.formatAssertionsEnabled(true)));
        assertThat(errors).as("%s is not valid by %s: %s", what, pointer, instance).isEmpty();
    }

    private JsonNode operationNode(String operation) {
        JsonNode node = document.at(operationPointer(operation));
        assertThat(node.isObject()).as("%s is not documented", operation).isTrue();
        return node;
    }

    private static String operationPointer(String operation) {
        String[] methodAndPath = operation.split(" ", 2);
        return "/paths/" + escape(methodAndPath[1]) + "/" + methodAndPath[0].toLowerCase(Locale.ROOT);
    }

    /** Where a reference to another part of the document leads; the document has no other kind. */
    private String followRef(String pointer) {
        JsonNode ref = document.at(pointer).path("$ref");
        if (ref.isMissingNode()) {
            return pointer;
        }
        assertThat(ref.asText()).startsWith("#/");
        return followRef(ref.asText().substring(1));
    }

    private static String mediaType(String contentType) {
        assertThat(contentType).as("no Content-Type").isNotNull();
        return contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    /** RFC 6901: a name as one step of a JSON pointer. */
    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
