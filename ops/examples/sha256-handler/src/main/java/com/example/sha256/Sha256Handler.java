package com.example.sha256;

import io.taskfork.shared.handler.NonRetryableException;
import io.taskfork.shared.handler.TaskContext;
import io.taskfork.shared.handler.TaskHandler;
import io.taskfork.shared.handler.TaskType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code sha256}: the SHA-256 of a file, an example of a taskfork handler in a jar of its own.
 *
 * <p>Payload {@code {"file": "/absolute/path"}}; result
 * {@code {"file": "/absolute/path", "sha256": "<64 hex digits>", "bytes": N}}. It reports its
 * progress as it reads, and logs a line to the task's log.
 *
 * <p>A payload that does not fit, or a file that is missing or cannot be read, fails the task at
 * once with a {@link NonRetryableException}: running it again would not help. An I/O error while
 * reading fails only this attempt, and the task runs again while it has attempts left.
 *
 * <p>The class is listed in {@code META-INF/services/io.taskfork.shared.handler.TaskHandler}, and
 * its {@link TaskType} tells the supervisor the type without loading the class.
 */
@TaskType("sha256")
public final class Sha256Handler implements TaskHandler {

    private static final int BUFFER_BYTES = 64 * 1024;

    /** The payload. An unknown field fails the task, so a misspelt "file" is not silently ignored. */
    public record Request(String file) {
    }

    /** The result, written to the task's {@code result} column as JSON. */
    public record Result(String file, String sha256, long bytes) {
    }

    @Override
    public Result handle(TaskContext context) throws IOException {
        Path file = fileOf(context.payloadAs(Request.class));
        long size = Files.size(file);
        context.logger().log(System.Logger.Level.INFO, "hashing {0} ({1} bytes)", file, size);

        MessageDigest digest = sha256();
        long read = 0;
        int reported = -1;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                read += n;
                // At most once per percent, as each report is a message to the supervisor; 100 is
                // kept for when the hash is known (the file may also grow while it is read).
                int percent = (int) Math.min(99, read * 100 / Math.max(1, size));
                if (percent > reported) {
                    context.progress().report(percent, "read " + read + " of " + size + " bytes");
                    reported = percent;
                }
            }
        }
        context.progress().report(100, "hashed " + read + " bytes");
        return new Result(file.toString(), HexFormat.of().formatHex(digest.digest()), read);
    }

    // The task's working directory is a fresh, empty one of its own, so a relative path could
    // never name the user's file: ask for an absolute one instead of failing with "no such file".
    private static Path fileOf(Request request) {
        if (request.file() == null || request.file().isBlank()) {
            throw new NonRetryableException("payload needs \"file\": the absolute path of the file to hash");
        }
        Path file = Path.of(request.file());
        if (!file.isAbsolute()) {
            throw new NonRetryableException("\"file\" must be an absolute path, not " + request.file());
        }
        if (!Files.exists(file)) {
            throw new NonRetryableException("no such file: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new NonRetryableException("not a regular file: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new NonRetryableException("cannot read " + file + ": permission denied");
        }
        return file;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
