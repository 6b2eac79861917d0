package io.taskfork.shared.config;

/** Where the broker is (one node or several), which queue to use and how many messages to take at once. */
public record AmqpSettings(AmqpUris uris, String queue, int prefetch) {

    /** {@code TASKFORK_AMQP_URI} as it was given, passwords included: to hand on, never to log. */
    public String uri() {
        return uris.text();
    }

    @Override
    public String toString() {
        return "AmqpSettings[uri=" + uris + ", queue=" + queue + ", prefetch=" + prefetch + "]";
    }
}
