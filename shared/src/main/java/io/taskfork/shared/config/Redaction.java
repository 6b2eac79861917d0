package io.taskfork.shared.config;

import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Hides credentials in values that end up in logs. It reads the text as it is, without parsing it
 * as a URI: a value refused at start is often one that {@link java.net.URI} cannot read either, or
 * reads without a user-info (no host), and it is shown all the same.
 */
public final class Redaction {

    private static final String HIDDEN = "****";
    // password=…, sslpassword=… in a JDBC URL's parameters
    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("([?&;][^=&;#]*password=)[^&;#]*", Pattern.CASE_INSENSITIVE);

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

    /** The JDBC URL with any password in its user-info or its parameters replaced by {@code ****}. */
    public static String jdbcUrl(String url) {
        return PASSWORD_PARAMETER.matcher(uri(url)).replaceAll("$1" + HIDDEN);
    }
}
