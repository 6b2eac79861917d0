package io.taskfork.producer.http;

import io.taskfork.shared.config.HttpSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a token given by a client grants: the full token may do anything, the read-only token may
 * only read. Neither the tokens nor what was given is ever logged.
 */
final class BearerTokens {

    /** What a token grants. */
    enum Grant { FULL, READ_ONLY, NONE }

    // Digests of equal length, compared with MessageDigest.isEqual: the time a comparison takes says
    // nothing about how much of a token, or of its length, a guess got right.
    private final byte[] full;
    private final byte[] readOnly;

    BearerTokens(HttpSettings settings) {
        this.full = settings.asksForToken() ? digest(settings.token()) : null;
        this.readOnly = settings.readonlyToken().isEmpty() ? null : digest(settings.readonlyToken());
    }

    /** Whether requests must show a token at all; without one configured, which only a loopback address allows, they need not. */
    boolean required() {
        return full != null;
    }

    Grant grant(String given) {
        byte[] digest = digest(given);
        // both compared every time, so which one matched does not show in the time either
        boolean isFull = full != null && MessageDigest.isEqual(digest, full);
        boolean isReadOnly = readOnly != null && MessageDigest.isEqual(digest, readOnly);
        return isFull ? Grant.FULL : isReadOnly ? Grant.READ_ONLY : Grant.NONE;
    }

    /** Compares two secrets of any length in time that does not depend on where they differ. */
    static boolean same(String a, String b) {
        return MessageDigest.isEqual(digest(a), digest(b));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
