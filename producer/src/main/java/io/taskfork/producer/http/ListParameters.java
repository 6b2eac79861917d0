package io.taskfork.producer.http;

import io.taskfork.shared.store.TaskPages;
import io.taskfork.shared.task.TaskStatus;
import io.taskfork.shared.wire.WireFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The query of {@code GET /api/tasks}: {@code status}, {@code type}, {@code limit}, {@code before}; each checked. */
final class ListParameters {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Set<String> KNOWN = Set.of("status", "type", "limit", "before");
    private static final String STATUSES = Arrays.stream(TaskStatus.values()).map(TaskStatus::value)
            .collect(Collectors.joining(", "));

    private ListParameters() {
    }

    static TaskPages.Filter parse(Map<String, List<String>> query) {
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            // a misspelt filter would silently list everything
            if (!KNOWN.contains(parameter.getKey())) {
                throw ApiProblem.badRequest("unknown parameter \"" + parameter.getKey()
                        + "\": expected status, type, limit or before");
            }
            if (parameter.getValue().size() > 1) {
                throw ApiProblem.badRequest("\"" + parameter.getKey() + "\" given more than once");
            }
        }
        String status = one(query, "status");
        String limit = one(query, "limit");
        String before = one(query, "before");
        return new TaskPages.Filter(status == null ? null : status(status), type(one(query, "type")),
                before == null ? null : number("before", before, 1, Long.MAX_VALUE),
                limit == null ? DEFAULT_LIMIT : (int) number("limit", limit, 1, MAX_LIMIT));
    }

    private static String one(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static TaskStatus status(String text) {
        for (TaskStatus status : TaskStatus.values()) {
            if (status.value().equals(text)) {
                return status;
            }
        }
        throw ApiProblem.badRequest("unknown status \"" + text + "\": expected one of " + STATUSES);
    }

    private static String type(String text) {
        if (text != null && text.isEmpty()) {
            throw ApiProblem.badRequest("\"type\" is empty");
        }
        // no task can have it: a listing of none would look like an answer
        if (text != null && !WireFormat.isTaskType(text)) {
            throw ApiProblem.badRequest("\"type\" " + text + " is not a task type: " + WireFormat.TASK_TYPE_RULE);
        }
        return text;
    }

    private static long number(String name, String text, long min, long max) {
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiProblem.badRequest("\"" + name + "\" must be a whole number from " + min
                + (max == Long.MAX_VALUE ? " up" : " to " + max) + ", not \"" + text + "\"");
    }
}
