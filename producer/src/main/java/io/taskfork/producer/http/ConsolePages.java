package io.taskfork.producer.http;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.taskfork.producer.http.BearerTokens.Grant;
import io.taskfork.producer.http.ConsoleSessions.Session;
import io.taskfork.shared.json.Json;
import java.util.Optional;

/**
 * The console's own endpoints: its page, the login form, and the session the page reads its CSRF
 * token from. The page holds no data; it reads everything through the API with its session.
 */
final class ConsolePages {

    private final BearerTokens tokens;
    private final ConsoleSessions sessions;
    private final byte[] index = JarResources.read(ConsolePages.class, "/console/index.html");
    private final byte[] login = JarResources.read(ConsolePages.class, "/console/login.html");

    ConsolePages(BearerTokens tokens, ConsoleSessions sessions) {
        this.tokens = tokens;
        this.sessions = sessions;
    }

    /** {@code GET /}: the console; without a login where one is needed, the login form instead. */
    void index(Context ctx) {
        if (tokens.required() && sessions.of(ctx).isEmpty()) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        html(ctx, index);
    }

    /** {@code GET /login}: the form; there is nothing to log in to without a token. */
    void loginForm(Context ctx) {
        if (!tokens.required()) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        html(ctx, login);
    }

    /** {@code POST /login}: a form with {@code token}; the full or read-only token starts a session. */
    void logIn(Context ctx) {
        String token = ctx.formParam("token");
        Grant grant = token == null || !tokens.required() ? Grant.NONE : tokens.grant(token.strip());
        if (grant == Grant.NONE) {
            ctx.redirect(tokens.required() ? "/login?failed" : "/", HttpStatus.SEE_OTHER);
            return;
        }
        sessions.start(ctx, grant == Grant.READ_ONLY);
        ctx.redirect("/", HttpStatus.SEE_OTHER);
    }

    /**
     * {@code GET /api/session}: the CSRF token the page sends with changes, and whether it may
     * change anything. Without a token configured there is no login, so the console's first read
     * starts its session: but only a read from the console's own page (browsers name the asking
     * page's site in {@code Sec-Fetch-Site}), or an image on any other site could fill them up.
     */
    void session(Context ctx) {
        Optional<Session> session = sessions.of(ctx);
        String site = ctx.header("Sec-Fetch-Site");
        if (session.isEmpty() && !tokens.required() && (site == null || site.equals("same-origin"))) {
            session = Optional.of(sessions.start(ctx, false));
        }
        Answers.json(ctx, 200, Json.MAPPER.createObjectNode()
                .put("csrf", session.map(Session::csrf).orElse(null))
                .put("read_only", session.map(Session::readOnly).orElse(false))
                .put("login", tokens.required()));
    }

    /** {@code POST /api/logout}: ends the session; the page goes back to the login form. */
    void logOut(Context ctx) {
        sessions.end(ctx);
        ctx.status(204);
    }

    private static void html(Context ctx, byte[] page) {
        ctx.header("Cache-Control", "no-store").contentType("text/html; charset=utf-8").result(page);
    }
}
