package io.taskfork.shared.config;

import java.util.regex.Pattern;

/**
 * Hides credentials in values that end up in logs. It reads the text as it is, without parsing it
 * as a URI: a value refused at start is often one that {@link java.net.URI} cannot read either, or
 * reads without a user-info (no host), and it is shown all the same.
 */
public final class Redaction {

    private static final String HIDDEN = "****";
    // user:password@ between "//" and the end of the authority
    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/?#@:]*:)[^/?#]*@");
    // password=…, sslpassword=… in a JDBC URL's parameters
    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("([?&;][^=&;#]*password=)[^&;#]*", Pattern.CASE_INSENSITIVE);

    private Redaction() {
    }

    /** The URI with the password of its user-info replaced by {@code ****}. */
    public static String uri(String uri) {
        return USER_INFO_PASSWORD.matcher(uri).replaceFirst("$1" + HIDDEN + "@");
    }

    /** The JDBC URL with any password in its user-info or its parameters replaced by {@code ****}. */
    public static String jdbcUrl(String url) {
        return PASSWORD_PARAMETER.matcher(uri(url)).replaceAll("$1" + HIDDEN);
    }
}
