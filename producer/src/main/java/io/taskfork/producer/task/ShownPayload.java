package io.taskfork.producer.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.taskfork.shared.json.Json;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task's payload as a person or a script is shown it: the values of an {@code exec} task's
 * {@code env} as {@code ***}, since an API key is what a command's environment most often carries.
 * The row keeps them: the command needs them.
 */
public final class ShownPayload {

    static final String EXEC = "exec";
    public static final String HIDDEN = "***";
    // A body is shown as parsed, its env hidden, even when a field is given twice, which dead-letters
    // it as malformed: shown as it came, it would show the env's values. The last of a field is taken.
    private static final ObjectMapper LAST_OF_A_REPEATED_FIELD = ((JsonMapper) Json.MAPPER).rebuild()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    // In a body that is not JSON (cut short, say): an "env" key, and each string or bare word after it.
    // Possessive, so that a long string is matched in a loop rather than a recursion that overflows.
    private static final Pattern ENV_KEY = Pattern.compile("[\"']env[\"']\\s*:");
    private static final Pattern WORD = Pattern.compile(
            "\"(?:[^\"\\\\]++|\\\\[\\s\\S])*+\"?|'(?:[^'\\\\]++|\\\\[\\s\\S])*+'?|[^,:{}\\[\\]\\s\"']++");

    private ShownPayload() {
    }

    public static JsonNode of(String type, JsonNode payload) {
        if (!EXEC.equals(type) || payload == null || !payload.path("env").isObject()) {
            return payload;
        }
        ObjectNode shown = payload.deepCopy();
        ObjectNode env = (ObjectNode) shown.get("env");
        for (Iterator<String> names = env.fieldNames(); names.hasNext();) {
            env.set(names.next(), TextNode.valueOf(HIDDEN));
        }
        return shown;
    }

    /** A message body as shown: a JSON message of an {@code exec} task with its env hidden; any other as it is. */
    public static String ofMessageBody(String body) {
        JsonNode message;
        try {
            message = LAST_OF_A_REPEATED_FIELD.readTree(body);
        } catch (JsonProcessingException notJson) {
            return withEnvValuesHidden(body);
        }
        if (message == null || !message.isObject() || !EXEC.equals(message.path("type").asText())
                || !message.has("payload")) {
            return body;
        }
        ObjectNode shown = message.deepCopy();
        shown.set("payload", of(EXEC, message.get("payload")));
        return io.taskfork.shared.json.Json.write(shown);
    }

    /**
     * A body that could not be read as JSON, with every string and bare word after its first
     * {@code env} key hidden, names and values alike: where the env ends, and which value is whose,
     * cannot be known for sure. Its shape stays, for whoever looks into why it is malformed.
     */
    private static String withEnvValuesHidden(String body) {
        Matcher env = ENV_KEY.matcher(body);
        if (!env.find()) {
            return body;
        }
        return body.substring(0, env.end()) + WORD.matcher(body.substring(env.end())).replaceAll("\"" + HIDDEN + "\"");
    }
}
