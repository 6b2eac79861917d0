package io.taskfork.producer.http;

import io.javalin.http.Context;

/** Headers on every answer that keep a browser from running, framing or sniffing anything but the console's own files. */
final class SecurityHeaders {

    // 'self' only: the console loads nothing from any other host, and no inline script runs, so an
    // injected tag in a task's payload or log could not run either. No other site may frame it,
    // which keeps its buttons from being clicked through a page laid over them.
    static final String POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private SecurityHeaders() {
    }

    static void set(Context ctx) {
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }
}
