package io.taskfork.producer.http;

import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's logins: a random session ID in an HttpOnly, SameSite=Strict cookie, and with each
 * session the CSRF token its page must send with every change. Sessions live in this process only:
 * a restart of {@code serve} logs everyone out, which is the safe way round.
 */
final class ConsoleSessions {

    static final String COOKIE = "taskfork_session";
    static final Duration LIFETIME = Duration.ofHours(12);
    // Far more than people log in in 12 hours; a bound, so a script that logs in in a loop cannot
    // grow the map without end. The oldest sessions go first.
    static final int MAX_SESSIONS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** One login: whether it may only read, the CSRF token of its page, and when it ends. */
    record Session(String id, boolean readOnly, String csrf, Instant expires) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** Starts a session and sets its cookie on the answer. */
    Session start(Context ctx, boolean readOnly) {
        forgetExpired();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min((a, b) -> a.expires().compareTo(b.expires()))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        Session session = new Session(random(), readOnly, random(), clock.instant().plus(LIFETIME));
        sessions.put(session.id(), session);
        ctx.res().addHeader("Set-Cookie", COOKIE + "=" + session.id() + "; Path=/; Max-Age=" + LIFETIME.toSeconds()
                + "; HttpOnly; SameSite=Strict" + secure(ctx));
        return session;
    }

    /** The live session of the request's cookie, if it has one. */
    Optional<Session> of(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(session.expires())) {
            sessions.remove(id);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** Ends the request's session, if any, and clears its cookie. */
    void end(Context ctx) {
        of(ctx).ifPresent(session -> sessions.remove(session.id()));
        ctx.res().addHeader("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + secure(ctx));
    }

    /**
     * Behind a proxy that ends TLS, the browser speaks HTTPS: the cookie is then marked to travel
     * only over HTTPS, so a plain-HTTP link to the same host name never carries it.
     */
    private static String secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")) || "https".equals(ctx.scheme())
                ? "; Secure" : "";
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        sessions.values().removeIf(session -> !now.isBefore(session.expires()));
    }

    /** 256 random bits, URL-safe: the session ID and the CSRF token cannot be guessed. */
    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
