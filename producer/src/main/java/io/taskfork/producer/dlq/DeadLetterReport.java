package io.taskfork.producer.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import io.taskfork.producer.task.ShownPayload;
import io.taskfork.shared.json.Json;
import io.taskfork.shared.task.Task;
import io.taskfork.shared.wire.WireFormat;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything about the dead letters of one task, and its row: what {@code dlq show ID} prints. */
final class DeadLetterReport {

    static final int LOG_TAIL_LINES = 20;
    static final int MOST_ERROR_LINES = 40;
    static final int MOST_BODY_CHARS = 64 * 1024;
    private static final String INDENT = "  ";
    private static final String LABEL = "%-20s%s%n";

    private final PrintStream out;

    DeadLetterReport(PrintStream out) {
        this.out = out;
    }

    void print(long taskId, List<DeadLetter> letters, String queue, Optional<Task> task, Optional<String> log) {
        out.println("task " + taskId + ": " + letters.size() + (letters.size() == 1 ? " dead letter" : " dead letters")
                + " in " + queue);
        for (int i = 0; i < letters.size(); i++) {
            out.println();
            out.println("dead letter " + (i + 1) + " of " + letters.size());
            message(letters.get(i));
        }
        out.println();
        if (task.isEmpty()) {
            out.println("no row for task " + taskId);
            return;
        }
        row(task.get(), letters.get(0).row());
        log.ifPresent(this::logTail);
    }

    private void message(DeadLetter letter) {
        label("reason", letter.reason());
        label("detail", letter.detail());
        label("dead at", letter.deadAt() == null ? "-" : letter.deadAt().toString());
        label("properties", properties(letter.message().properties()));
        out.println(INDENT + "headers");
        HeaderValues.of(letter.message().headers()).fields().forEachRemaining(header ->
                out.println(INDENT + INDENT + header.getKey() + ": "
                        + WireFormat.controlsEscaped(text(header.getValue()))));
        String body = ShownPayload.ofMessageBody(letter.message().bodyText());
        out.println(INDENT + "body (" + letter.message().body().length + " bytes)");
        block(body.length() <= MOST_BODY_CHARS ? body : body.substring(0, MOST_BODY_CHARS) + "…", Integer.MAX_VALUE);
    }

    private void row(Task task, TaskRows.Row row) {
        out.println("row of task " + task.id());
        label("type", task.type());
        label("status", task.status().value());
        label("attempts", Integer.toString(task.attempts()));
        label("failure_kind", task.failureKind() == null ? "-" : task.failureKind().value());
        label("exit_code", task.exitCode() == null ? "-" : task.exitCode().toString());
        label("payload", Json.write(ShownPayload.of(task.type(), task.payload())));
        label("created_at", time(task.createdAt()));
        label("started_at", time(task.startedAt()));
        label("finished_at", time(task.finishedAt()));
        label("dead_lettered_at", time(row == null ? null : row.deadLetteredAt()));
        label("worker", task.worker() == null ? "-" : task.worker());
        if (task.error() != null) {
            out.println(INDENT + "error");
            block(task.error(), MOST_ERROR_LINES);
        }
    }

    private void logTail(String log) {
        List<String> lines = log.lines().toList();
        int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
        out.println(INDENT + (from == 0 ? "log (" + lines.size() + " lines)"
                : "log (the last " + LOG_TAIL_LINES + " of " + lines.size() + " lines)"));
        lines.subList(from, lines.size())
                .forEach(line -> out.println(INDENT + INDENT + WireFormat.controlsEscaped(line)));
    }

    private void block(String text, int mostLines) {
        List<String> lines = text.lines().toList();
        lines.stream().limit(mostLines)
                .forEach(line -> out.println(INDENT + INDENT + WireFormat.controlsEscaped(line)));
        if (lines.size() > mostLines) {
            out.println(INDENT + INDENT + "… " + (lines.size() - mostLines) + " more lines");
        }
    }

    private void label(String name, String value) {
        out.printf(LABEL, INDENT + name, WireFormat.controlsEscaped(value));
    }

    private static String properties(AMQP.BasicProperties properties) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("content_type", properties.getContentType());
        shown.put("content_encoding", properties.getContentEncoding());
        shown.put("delivery_mode", properties.getDeliveryMode());
        shown.put("priority", properties.getPriority());
        shown.put("message_id", properties.getMessageId());
        shown.put("correlation_id", properties.getCorrelationId());
        shown.put("reply_to", properties.getReplyTo());
        shown.put("expiration", properties.getExpiration());
        shown.put("timestamp", properties.getTimestamp() == null ? null : properties.getTimestamp().toInstant());
        shown.put("type", properties.getType());
        shown.put("user_id", properties.getUserId());
        shown.put("app_id", properties.getAppId());
        List<String> pairs = new ArrayList<>();
        shown.forEach((name, value) -> {
            if (value != null) {
                pairs.add(name + "=" + value);
            }
        });
        return pairs.isEmpty() ? "-" : String.join(", ", pairs);
    }

    private static String text(JsonNode value) {
        return value.isTextual() ? value.textValue() : Json.write(value);
    }

    private static String time(Instant instant) {
        return instant == null ? "-" : instant.toString();
    }
}
