package io.taskfork.shared.config;

/** Where the broker is, which queue to use and how many messages to take at once. */
public record AmqpSettings(String uri, String queue, int prefetch) {

    @Override
    public String toString() {
        return "AmqpSettings[uri=" + Redaction.uri(uri) + ", queue=" + queue + ", prefetch=" + prefetch + "]";
    }
}
