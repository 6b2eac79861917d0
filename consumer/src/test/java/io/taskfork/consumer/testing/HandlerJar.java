package io.taskfork.consumer.testing;

import io.taskfork.shared.handler.TaskHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A handler jar made by the test itself, as a user's build makes one: one handler class compiled
 * against the handler API and its service file. Two builds of different source are two versions.
 */
public final class HandlerJar {

    public static final String PACKAGE = "com.example.made";

    private HandlerJar() {
    }

    /**
     * Compiles {@code source}, the body of class {@code simpleName} in {@link #PACKAGE} (imports of the
     * handler API included), and writes it with its service file to {@code jar}, replacing it.
     */
    public static Path write(Path jar, String simpleName, String source) throws IOException {
        Path work = Files.createTempDirectory("handler-src");
        Path file = work.resolve(simpleName + ".java");
        Files.writeString(file, "package " + PACKAGE + ";\n"
                + "import io.taskfork.shared.handler.*;\n"
                + "import java.util.*;\n"
                + source);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean compiled = compiler.getTask(errors, null, null,
                List.of("--release", "17", "-d", work.toString(), "-cp", handlerApi()), null,
                compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file.toFile()))
                .call();
        if (!compiled) {
            throw new IllegalStateException("the test's handler does not compile: " + errors);
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream entries = new JarOutputStream(out)) {
            entries.putNextEntry(new JarEntry("META-INF/services/" + TaskHandler.class.getName()));
            entries.write((PACKAGE + "." + simpleName + "\n").getBytes(StandardCharsets.UTF_8));
            try (Stream<Path> classes = Files.walk(work)) {
                for (Path type : classes.filter(path -> path.toString().endsWith(".class")).toList()) {
                    entries.putNextEntry(new JarEntry(work.relativize(type).toString()));
                    entries.write(Files.readAllBytes(type));
                }
            }
        }
        return jar;
    }

    private static String handlerApi() {
        try {
            return Path.of(TaskHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The source of handler class {@code Versioned}, type {@code versioned}: it returns {@code {"version": V}}. */
    public static String versioned(String version) {
        return "@TaskType(\"versioned\")\n"
                + "public final class Versioned implements TaskHandler {\n"
                + "    @Override\n"
                + "    public Object handle(TaskContext context) {\n"
                + "        return Map.of(\"version\", \"" + version + "\");\n"
                + "    }\n"
                + "}\n";
    }
}
