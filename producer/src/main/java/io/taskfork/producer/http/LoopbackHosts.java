package io.taskfork.producer.http;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;

/**
 * Without a token, answers only requests addressed to this host by a loopback name. A page whose
 * own host name its owner points at 127.0.0.1 (DNS rebinding) is the same origin to a browser as
 * the console, and could otherwise read the CSRF token and run anything an {@code exec} task may;
 * but the browser still names that page's host in {@code Host}, which no loopback name matches.
 * With a token the check is not needed: such a page has neither the token nor the cookie.
 */
final class LoopbackHosts {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final boolean tokenRequired;
    private final String bind;

    LoopbackHosts(BearerTokens tokens, String bind) {
        this.tokenRequired = tokens.required();
        this.bind = bind.toLowerCase(Locale.ROOT);
    }

    /** A before-handler for every path: throws the 403 that stops the request. */
    void check(Context ctx) {
        if (tokenRequired) {
            return;
        }
        String host = ctx.header("Host");
        // HTTP/1.1 asks every client for Host; one without it is no browser
        if (host == null) {
            return;
        }
        String name = name(host);
        if (!LOOPBACK.contains(name) && !name.equals(bind) && !name.equals("[" + bind + "]")) {
            throw ApiProblem.forbidden("this server answers only to its loopback address (Host: localhost,"
                    + " 127.0.0.1 or [::1]); across hosts, set TASKFORK_HTTP_TOKEN");
        }
    }

    /** The host name of a {@code Host} header, without its port; an IPv6 literal keeps its brackets. */
    static String name(String host) {
        String lower = host.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("[")) {
            int end = lower.indexOf(']');
            return end < 0 ? lower : lower.substring(0, end + 1);
        }
        int colon = lower.indexOf(':');
        return colon < 0 ? lower : lower.substring(0, colon);
    }
}
