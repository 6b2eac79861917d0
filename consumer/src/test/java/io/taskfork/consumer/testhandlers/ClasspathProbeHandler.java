package io.taskfork.consumer.testhandlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code classpath-probe}: for each class named in {@code {"classes": [...]}}, whether its JVM can
 * load it; that JVM's {@code java.class.path}; and {@link #JDBC_VALUES}, as the child writes them.
 */
@TaskType("classpath-probe")
public final class ClasspathProbeHandler implements TaskHandler {

    /** Values of the platform module java.sql, which Jackson writes with serializers of its own. */
    public static final Map<String, Object> JDBC_VALUES = Collections.unmodifiableMap(
            new TreeMap<>(Map.of("date", new java.sql.Date(0), "time", new java.sql.Time(0))));

    @Override
    public Object handle(TaskContext context) {
        Map<String, Boolean> loadable = new TreeMap<>();
        for (Iterator<JsonNode> names = context.payload().path("classes").elements(); names.hasNext();) {
            String name = names.next().asText();
            loadable.put(name, canLoad(name));
        }
        return Map.of("loadable", loadable, "class_path", System.getProperty("java.class.path"),
                "jdbc_values", JDBC_VALUES);
    }

    private static boolean canLoad(String name) {
        try {
            Class.forName(name, false, ClassLoader.getSystemClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
