package io.taskfork.shared.config;

import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The broker as {@code TASKFORK_AMQP_URI} names it: one AMQP URI, or one per node of a cluster,
 * separated by commas. The URIs of a list differ only in host and port: one user, password,
 * virtual host and set of options serve whichever node the client reaches.
 */
public final class AmqpUris {

    // A comma followed by a scheme starts the next URI; any other comma (one in a password) is part of a URI.
    static final Pattern SEPARATOR = Pattern.compile("\\s*,\\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)");
    private static final String EXAMPLE = "amqp://user:pass@host1:5672/%2F,amqp://user:pass@host2:5672/%2F";

    private final String text;
    private final List<URI> uris;

    private AmqpUris(String text, List<URI> uris) {
        this.text = text;
        this.uris = List.copyOf(uris);
    }

    /**
     * The URIs of {@code text}, each checked as the AMQP client would read it.
     *
     * @throws IllegalArgumentException with a one-line reason that holds no password
     */
    public static AmqpUris parse(String text) {
        List<String> parts = split(text.strip());
        List<URI> uris = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            uris.add(one(parts.get(i), parts.size() == 1 ? "the URI" : "URI " + (i + 1)));
        }
        agree(uris);
        return new AmqpUris(text, uris);
    }

    /** The value as it was given: to hand on to another taskfork process. */
    public String text() {
        return text;
    }

    /** Every URI, in the order given. */
    public List<URI> all() {
        return uris;
    }

    /** The first URI: its user, password, virtual host and options are those of every other. */
    public URI first() {
        return uris.get(0);
    }

    /** The port of {@code uri}, or the scheme's default when it names none. */
    public static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return isTls(uri) ? ConnectionFactory.DEFAULT_AMQP_OVER_SSL_PORT : ConnectionFactory.DEFAULT_AMQP_PORT;
    }

    @Override
    public String toString() {
        return Redaction.uri(text);
    }

    static List<String> split(String text) {
        return List.of(SEPARATOR.split(text, -1));
    }

    private static URI one(String text, String which) {
        if (text.isBlank()) {
            throw new IllegalArgumentException(which + " is empty; expected one as in amqp://user:pass@host:5672/%2F");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(which + " is not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new IllegalArgumentException(which + " is not an amqp:// or amqps:// URI");
        }
        if (uri.getHost() == null) {
            String authority = Objects.requireNonNullElse(uri.getRawAuthority(), "");
            throw new IllegalArgumentException(authority.contains(",")
                    ? "expected one whole URI per node, separated by commas, as in " + EXAMPLE
                    : which + " has no host; expected one as in amqp://user:pass@host:5672/%2F");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException(which + " has port " + uri.getPort() + "; expected 1 to 65535");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.indexOf(':') != userInfo.lastIndexOf(':')) {
            throw new IllegalArgumentException(
                    which + " has more than one ':' in its user info; write one in a password as %3A");
        }
        String path = uri.getRawPath();
        if (path != null && path.indexOf('/', 1) >= 0) {
            throw new IllegalArgumentException(
                    which + " has more than one path segment; write a '/' in the virtual host as %2F");
        }
        try {
            // The client's own reading: what it would refuse at connect time (a bad option) is refused now.
            new ConnectionFactory() {
                // the client ignores an option it does not know: a misspelt ?hearbeat= would be lost unsaid
                @Override
                protected void processUriQueryParameter(String key, String value) {
                    throw new IllegalArgumentException("it has no option \"" + key + "\"");
                }
            }.setUri(uri);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException(which + " is refused by the AMQP client: " + e.getMessage());
        }
        return uri;
    }

    private static void agree(List<URI> uris) {
        URI first = uris.get(0);
        Set<String> nodes = new HashSet<>();
        for (int i = 0; i < uris.size(); i++) {
            URI uri = uris.get(i);
            String which = "URI " + (i + 1);
            if (!nodes.add(uri.getHost().toLowerCase(Locale.ROOT) + ":" + port(uri))) {
                throw new IllegalArgumentException(which + " names " + uri.getHost() + ":" + port(uri) + " again");
            }
            if (isTls(uri) != isTls(first)) {
                throw new IllegalArgumentException(
                        which + " mixes amqp:// and amqps:// with URI 1; use one scheme for all");
            }
            if (!credentials(uri).equals(credentials(first))) {
                throw differs(which, "has another user or password");
            }
            if (!virtualHost(uri).equals(virtualHost(first))) {
                throw differs(which, "names another virtual host");
            }
            if (!Objects.equals(uri.getRawQuery(), first.getRawQuery())) {
                throw differs(which, "has other options (?...)");
            }
        }
    }

    private static IllegalArgumentException differs(String which, String what) {
        return new IllegalArgumentException(which + " " + what + " than URI 1; every node takes the same");
    }

    private static boolean isTls(URI uri) {
        return uri.getScheme().equalsIgnoreCase("amqps");
    }

    /** User and password as the client decodes them; absent, the client's defaults. */
    private static List<String> credentials(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return List.of(ConnectionFactory.DEFAULT_USER, ConnectionFactory.DEFAULT_PASS);
        }
        int colon = userInfo.indexOf(':');
        return colon < 0
                ? List.of(decode(userInfo), ConnectionFactory.DEFAULT_PASS)
                : List.of(decode(userInfo.substring(0, colon)), decode(userInfo.substring(colon + 1)));
    }

    /** The virtual host as the client reads it: no path is the default "/", a path its one decoded segment. */
    private static String virtualHost(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? ConnectionFactory.DEFAULT_VHOST : decode(path.substring(1));
    }

    private static String decode(String raw) {
        return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
