package io.taskfork.producer.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Files that {@code serve} answers with, read from its own jar once, when it starts. */
final class JarResources {

    private JarResources() {
    }

    /**
     * The bytes of {@code name}, found as {@link Class#getResourceAsStream} finds it from
     * {@code anchor}: a missing file fails the start, not the first client that asks for it.
     */
    static byte[] read(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar (looked up from "
                        + anchor.getName() + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
