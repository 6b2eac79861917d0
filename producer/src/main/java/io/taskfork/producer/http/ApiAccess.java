package io.taskfork.producer.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.taskfork.producer.http.BearerTokens.Grant;
import io.taskfork.producer.http.ConsoleSessions.Session;
import java.util.Optional;

/**
 * Who may do what under {@code /api}. A program shows {@code Authorization: Bearer TOKEN}
 * (RFC 6750); the console shows its session cookie, and with every change the CSRF token of its
 * session in {@code X-CSRF-Token}. A page on another site can make a browser send the cookie's
 * kind of request, never that header, so a change without it is refused.
 */
final class ApiAccess {

    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String LOGOUT = "/api/logout";

    private static final String SCHEME = "Bearer ";
    private static final String CHALLENGE = "Bearer realm=\"taskfork\"";

    private final BearerTokens tokens;
    private final ConsoleSessions sessions;

    ApiAccess(BearerTokens tokens, ConsoleSessions sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    /** A before-handler: throws the 401 or 403 that stops the request. */
    void check(Context ctx) {
        String header = ctx.header("Authorization");
        // Another scheme (a proxy's Basic login, say) is not ours to judge: the session decides.
        if (header != null && tokens.required() && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            bearer(ctx, header);
            return;
        }
        Optional<Session> session = sessions.of(ctx);
        if (session.isPresent()) {
            console(ctx, session.get());
            return;
        }
        if (tokens.required()) {
            throw ApiProblem.unauthorized("this API needs a token: send Authorization: Bearer <token>", CHALLENGE);
        }
        // No token is configured, so programs need none; but a browser may be on some other site's
        // page that posts here, and browsers name the page's origin on every such request.
        if (changes(ctx) && (ctx.header("Origin") != null || ctx.header("Sec-Fetch-Site") != null)) {
            throw ApiProblem.forbidden("a change from a browser needs the console's CSRF token in " + CSRF_HEADER);
        }
    }

    private void bearer(Context ctx, String header) {
        Grant grant = tokens.grant(header.substring(SCHEME.length()).strip());
        if (grant == Grant.NONE) {
            throw ApiProblem.unauthorized("the bearer token is not valid", CHALLENGE + ", error=\"invalid_token\"");
        }
        if (grant == Grant.READ_ONLY && changes(ctx)) {
            throw ApiProblem.forbidden("the read-only token may only read (GET)");
        }
    }

    private static void console(Context ctx, Session session) {
        if (!changes(ctx)) {
            return;
        }
        String csrf = ctx.header(CSRF_HEADER);
        if (csrf == null || !BearerTokens.same(csrf, session.csrf())) {
            throw ApiProblem.forbidden("missing or wrong CSRF token: send the session's token in " + CSRF_HEADER);
        }
        // ending its own session is the one change a read-only login may make
        if (session.readOnly() && !ctx.path().equals(LOGOUT)) {
            throw ApiProblem.forbidden("this login may only read: log in with the full token to change anything");
        }
    }

    private static boolean changes(Context ctx) {
        return ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
    }
}
