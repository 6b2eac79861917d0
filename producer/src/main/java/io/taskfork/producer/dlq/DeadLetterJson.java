package io.taskfork.producer.dlq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.producer.task.ShownPayload;
import io.taskfork.shared.json.Json;
import java.time.Instant;

/** A dead letter as the JSON object that {@code dlq list --json} prints, one a line. */
final class DeadLetterJson {

    private DeadLetterJson() {
    }

    static ObjectNode of(DeadLetter letter) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("task_id", letter.taskId());
        json.put("type", letter.type());
        json.put("status", letter.status() == null ? null : letter.status().value());
        json.put("reason", letter.reason());
        json.put("detail", letter.detail());
        json.put("dead_at", iso(letter.deadAt()));
        json.put("message_id", letter.message().properties().getMessageId());
        json.put("content_type", letter.message().properties().getContentType());
        // a JSON message may carry an exec task's env, secrets and all, as its body
        json.put("body", ShownPayload.ofMessageBody(letter.message().bodyText()));
        return json;
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
