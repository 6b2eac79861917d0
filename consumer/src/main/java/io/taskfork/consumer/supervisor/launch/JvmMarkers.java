package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files a child's JVM leaves only when it dies of itself, and what is read from them: the marker
 * its OutOfMemoryError hook touches, and its fatal error log. Named for the child in the
 * supervisor's work folder, not in a folder of the child's own, whose making and removing cost
 * every task two directory operations.
 *
 * @param oom           touched by {@code -XX:OnOutOfMemoryError}
 * @param fatalErrorLog the {@code -XX:ErrorFile}
 */
record JvmMarkers(Path oom, Path fatalErrorLog) {

    /** The markers of the child called {@code name}, in {@code folder}. */
    static JvmMarkers of(Path folder, String name) {
        return new JvmMarkers(folder.resolve(name + ".oom"), folder.resolve(name + ".hs_err.log"));
    }

    /**
     * Whether a child that ended with {@code exitCode} can have left markers. A JVM leaves them only
     * as it dies of itself, and then never with exit code 0 (an OutOfMemoryError exits with 3, a
     * fatal error aborts): four file system calls fewer for nearly every task.
     */
    static boolean possibleAfter(int exitCode) {
        return exitCode != 0;
    }

    /** The fatal error log (hs_err), which only a native crash leaves; null when there is none. */
    byte[] fatalErrorLogBytes() throws IOException {
        return Files.exists(fatalErrorLog) ? Files.readAllBytes(fatalErrorLog) : null;
    }

    /** Its signal line, such as "SIGSEGV (0xb) at pc=0x..., pid=.., tid=..". */
    static String signalLine(byte[] fatalErrorLog) {
        return new String(fatalErrorLog, StandardCharsets.ISO_8859_1).lines()
                .limit(40)
                .map(line -> line.replaceFirst("^#\\s*", ""))
                .filter(line -> line.startsWith("SIG") || line.startsWith("Internal Error")
                        || line.startsWith("Out of Memory Error"))
                .findFirst()
                .orElse("see the fatal error log in the task log");
    }

    /** Its head, at most {@code most} bytes, to follow the child's output in the task log. */
    static String excerpt(byte[] fatalErrorLog, int most) {
        int kept = Math.min(fatalErrorLog.length, most);
        return "\n--- JVM fatal error log (first " + kept + " of " + fatalErrorLog.length + " bytes) ---\n"
                + new String(fatalErrorLog, 0, kept, StandardCharsets.ISO_8859_1);
    }

    void delete() throws IOException {
        try {
            Files.deleteIfExists(oom);
        } finally {
            Files.deleteIfExists(fatalErrorLog);
        }
    }
}
