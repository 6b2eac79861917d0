package io.taskfork.producer.demo;

import io.taskfork.shared.task.FailureKind;
import io.taskfork.shared.task.TaskStatus;

/** One task of the demo and where it should end. */
record DemoTask(String type, String payload, TaskStatus expectedStatus, FailureKind expectedKind) {

    static DemoTask succeeds(String type, String payload) {
        return new DemoTask(type, payload, TaskStatus.SUCCEEDED, null);
    }

    static DemoTask fails(String type, String payload, FailureKind kind) {
        return new DemoTask(type, payload, TaskStatus.FAILED, kind);
    }

    static DemoTask crashes(String payload, FailureKind kind) {
        return new DemoTask("crash", payload, TaskStatus.CRASHED, kind);
    }

    String expected() {
        return expectedStatus.value() + (expectedKind == null ? "" : "/" + expectedKind.value());
    }
}
