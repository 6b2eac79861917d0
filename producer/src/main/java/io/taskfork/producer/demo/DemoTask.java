package io.taskfork.producer.demo;

import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;

/**
 * One task of the demo and where it should end.
 *
 * @param fields more members of its JSON message, such as {@code "delay": "1s"}, or ""; only for
 *               tasks published as JSON
 */
record DemoTask(String type, String payload, TaskStatus expectedStatus, FailureKind expectedKind, String fields) {

    static DemoTask succeeds(String type, String payload) {
        return new DemoTask(type, payload, TaskStatus.SUCCEEDED, null, "");
    }

    static DemoTask fails(String type, String payload, FailureKind kind) {
        return new DemoTask(type, payload, TaskStatus.FAILED, kind, "");
    }

    static DemoTask crashes(String payload, FailureKind kind) {
        return new DemoTask("crash", payload, TaskStatus.CRASHED, kind, "");
    }

    /** A task whose JSON message carries {@code fields} too, ending {@code expected}. */
    static DemoTask withFields(String type, String payload, String fields, TaskStatus expected) {
        return new DemoTask(type, payload, expected, null, fields);
    }

    /** Its JSON message's body. */
    String json() {
        return "{\"type\":\"" + type + "\",\"payload\":" + payload + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    String expected() {
        return expectedStatus.value() + (expectedKind == null ? "" : "/" + expectedKind.value());
    }
}
