package io.taskfork.consumer.testhandlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code classpath-probe}: for each class named in {@code {"classes": [...]}}, whether its JVM can
 * load it, and which of them the boot loader defined; that JVM's {@code java.class.path}, and what it
 * appended to the boot class path.
 */
@TaskType("classpath-probe")
public final class ClasspathProbeHandler implements TaskHandler {

    @Override
    public Object handle(TaskContext context) {
        Map<String, Boolean> loadable = new TreeMap<>();
        List<String> bootLoaded = new ArrayList<>();
        for (Iterator<JsonNode> names = context.payload().path("classes").elements(); names.hasNext();) {
            String name = names.next().asText();
            loadable.put(name, canLoad(name));
            if (loadable.get(name) && definedByBootLoader(name)) {
                bootLoaded.add(name);
            }
        }
        return Map.of("loadable", loadable, "class_path", System.getProperty("java.class.path"),
                "boot_class_path_append", bootClassPathAppend(), "boot_loaded", bootLoaded);
    }

    // The JVM keeps the appended boot class path out of the system properties; its flag is in the input arguments.
    private static String bootClassPathAppend() {
        String flag = "-Xbootclasspath/a:";
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(argument -> argument.startsWith(flag))
                .map(argument -> argument.substring(flag.length())).collect(Collectors.joining(File.pathSeparator));
    }

    private static boolean definedByBootLoader(String name) {
        try {
            return Class.forName(name, false, ClassLoader.getSystemClassLoader()).getClassLoader() == null;
        } catch (ClassNotFoundException e) {
            return false;
        }
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
