package io.taskfork.producer.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.taskfork.shared.config.HttpSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets an {@code /api} request through only with {@code Authorization: Bearer TOKEN} (RFC 6750):
 * the full token may do anything, the read-only token may only read. Without a token configured,
 * which only a loopback address allows, every request is let through.
 */
final class BearerTokens {

    private static final String SCHEME = "Bearer ";
    private static final String CHALLENGE = "Bearer realm=\"taskfork\"";

    // Digests of equal length, compared with MessageDigest.isEqual: the time a comparison takes says
    // nothing about how much of a token, or of its length, a guess got right.
    private final byte[] full;
    private final byte[] readOnly;

    BearerTokens(HttpSettings settings) {
        this.full = settings.asksForToken() ? digest(settings.token()) : null;
        this.readOnly = settings.readonlyToken().isEmpty() ? null : digest(settings.readonlyToken());
    }

    /** A before-handler: throws the 401 or 403 that stops the request. Neither token nor header is ever logged. */
    void check(Context ctx) {
        if (full == null) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw ApiProblem.unauthorized("this API needs a token: send Authorization: Bearer <token>", CHALLENGE);
        }
        byte[] given = digest(header.substring(SCHEME.length()).strip());
        boolean isFull = MessageDigest.isEqual(given, full);
        boolean isReadOnly = readOnly != null && MessageDigest.isEqual(given, readOnly);
        if (isFull) {
            return;
        }
        if (!isReadOnly) {
            throw ApiProblem.unauthorized("the bearer token is not valid", CHALLENGE + ", error=\"invalid_token\"");
        }
        if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
            throw ApiProblem.forbidden("the read-only token may only read (GET)");
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
