package io.taskfork.shared.config;

/**
 * How {@code serve} offers the HTTP API.
 *
 * @param bind          the address it listens on
 * @param port          its port; 0 for any free one
 * @param token         the bearer token every {@code /api} request must carry; empty for none
 * @param readonlyToken a bearer token that may only read; empty for none
 */
public record HttpSettings(String bind, int port, String token, String readonlyToken) {

    /** Shortest token accepted. */
    public static final int MIN_TOKEN = 16;

    public boolean asksForToken() {
        return !token.isEmpty();
    }

    // Settings end up in logs: never a token.
    @Override
    public String toString() {
        return "HttpSettings[bind=" + bind + ", port=" + port + ", token=" + (token.isEmpty() ? "" : "****")
                + ", readonlyToken=" + (readonlyToken.isEmpty() ? "" : "****") + "]";
    }
}
