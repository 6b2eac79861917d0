package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.handler.TaskHandler;
import java.lang.reflect.InvocationTargetException;

/** The handler a task request names by its class, made afresh: what its static initializer throws is the task's. */
final class HandlerInstance {

    private HandlerInstance() {
    }

    static TaskHandler of(JsonNode request) throws Throwable {
        JsonNode className = request.path(ChildProtocol.HANDLER);
        if (!className.isTextual()) {
            throw new IllegalStateException("no handler for type " + request.path("type").asText());
        }
        Class<? extends TaskHandler> type;
        try {
            type = Class.forName(className.asText(), true, ClassLoader.getSystemClassLoader())
                    .asSubclass(TaskHandler.class);
        } catch (ClassNotFoundException gone) {
            // the supervisor found it at its start: its jar has gone from the path since, or is being replaced
            throw new IllegalStateException("handler class " + className.asText() + " of type "
                    + request.path("type").asText() + " is no longer on the children's classpath: was its jar"
                    + " removed from TASKFORK_HANDLER_PATH? (a new type, or one gone, needs a restart of the"
                    + " supervisor)", gone);
        }
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
