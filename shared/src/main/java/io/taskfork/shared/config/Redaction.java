package io.taskfork.shared.config;

import java.net.URI;
import java.net.URISyntaxException;

/** Hides credentials in values that end up in logs. */
public final class Redaction {

    private Redaction() {
    }

    /** The URI with the password of its user-info replaced by {@code ****}. */
    public static String uri(String uri) {
        try {
            URI parsed = new URI(uri);
            String userInfo = parsed.getRawUserInfo();
            if (userInfo == null || !userInfo.contains(":")) {
                return uri;
            }
            String user = userInfo.substring(0, userInfo.indexOf(':'));
            return uri.replace(userInfo + "@", user + ":****@");
        } catch (URISyntaxException e) {
            return "(unparseable URI)";
        }
    }
}
