package io.taskfork.shared.config;

import java.util.stream.Collectors;

/** Hides credentials in values that end up in logs. */
public final class Redaction {

    private static final String HIDDEN = "****";

    private Redaction() {
    }

    /**
     * The URI, or each URI of a comma-separated list, with the password of its user info replaced
     * by {@code ****}. Works on text alone, so that a value too broken to parse is hidden too.
     */
    public static String uri(String uri) {
        return AmqpUris.split(uri).stream().map(Redaction::one).collect(Collectors.joining(","));
    }

    private static String one(String uri) {
        int scheme = uri.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = start;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        // The user info ends at the authority's last '@'. An '@' only after it means the value is
        // broken (a '/' in a password, say): hide up to the last '@' of all, more than needed.
        int at = uri.lastIndexOf('@', end - 1);
        if (at < start) {
            at = uri.lastIndexOf('@');
        }
        if (at < start) {
            return uri;
        }
        String userInfo = uri.substring(start, at);
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            return uri;
        }
        return uri.substring(0, start) + userInfo.substring(0, colon) + ":" + HIDDEN + uri.substring(at);
    }
}
