package io.taskfork.consumer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent's jar for {@code -javaagent}: a manifest that names the agent's class and nothing
 * else. The JVM loads that class with the system class loader, so it comes from the child's
 * classpath: the test classes, which the fixtures put on the handler path.
 */
public final class AgentJar {

    private AgentJar() {
    }

    /** Writes the jar of {@code agent}, whose {@code premain} runs before the child's main method. */
    public static Path write(Path jar, Class<?> agent) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", agent.getName());
        // the manifest is the whole jar
        new JarOutputStream(Files.newOutputStream(jar), manifest).close();
        return jar;
    }
}
