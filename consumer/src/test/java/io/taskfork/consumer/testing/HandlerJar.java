package io.taskfork.consumer.testing;

import io.taskfork.shared.handler.TaskHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
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
        try {
            return write(jar, simpleName, source, work);
        } finally {
            delete(work);
        }
    }

    private static Path write(Path jar, String simpleName, String source, Path work) throws IOException {
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
            put(entries, "META-INF/services/" + TaskHandler.class.getName(),
                    (PACKAGE + "." + simpleName + "\n").getBytes(StandardCharsets.UTF_8));
            try (Stream<Path> classes = Files.walk(work)) {
                for (Path type : classes.filter(path -> path.toString().endsWith(".class")).toList()) {
                    put(entries, work.relativize(type).toString(), Files.readAllBytes(type));
                }
            }
        }
        return jar;
    }

    private static void delete(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    // Stored, not compressed: two versions whose classes are of the same size make jars of the same size.
    private static void put(JarOutputStream entries, String name, byte[] content) throws IOException {
        JarEntry entry = new JarEntry(name);
        entry.setMethod(JarEntry.STORED);
        entry.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        entries.putNextEntry(entry);
        entries.write(content);
    }

    private static String handlerApi() {
        try {
            return Path.of(TaskHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The source of handler class {@code Versioned}, type {@code versioned}: it returns {@code {"version": V,
     * "archive": A}}, A the class-data-sharing archive its JVM was told to map, or "" for none.
     */
    public static String versioned(String version) {
        return "@TaskType(\"versioned\")\n"
                + "public final class Versioned implements TaskHandler {\n"
                + "    @Override\n"
                + "    public Object handle(TaskContext context) throws Exception {\n"
                + "        String archive = \"\";\n"
                + "        try (java.io.InputStream in = new java.io.FileInputStream(\"/proc/self/cmdline\")) {\n"
                + "            for (String flag : new String(in.readAllBytes()).split(\"\\0\")) {\n"
                + "                if (flag.startsWith(\"-XX:SharedArchiveFile=\")\n"
                + "                        || flag.startsWith(\"-XX:AOTCache=\")) {\n"
                + "                    archive = flag.substring(flag.indexOf('=') + 1);\n"
                + "                }\n"
                + "            }\n"
                + "        }\n"
                + "        return Map.of(\"version\", \"" + version + "\", \"archive\", archive);\n"
                + "    }\n"
                + "}\n";
    }
}
