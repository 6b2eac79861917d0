package io.taskfork.shared.topology;

import java.util.List;

/** The three queues that belong to one main queue. */
public record QueueNames(String main, String dead, String retry) {

    private static final String RESERVED = "amq.";
    private static final String DEAD = ".dead";
    private static final String RETRY = ".retry";
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,200}");

    /**
     * {@code name}, if it may name a main queue: the rule of {@code TASKFORK_QUEUE}.
     *
     * @throws IllegalArgumentException saying the rule
     */
    public static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("expected 1 to 200 characters of letters, digits, '.', '_', ':' or '-'");
        }
        if (name.startsWith(RESERVED)) {
            // the broker refuses to declare them: a task sent there would wait for ever
            throw new IllegalArgumentException("a name that starts with " + RESERVED + " is RabbitMQ's own");
        }
        for (String suffix : List.of(DEAD, RETRY)) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                // Its declaration as a main queue would be refused, and the refusal's advice, to delete
                // it, would lose the dead letters or parked deliveries of the queue it belongs to.
                throw new IllegalArgumentException("a name that ends in " + suffix + " is that of a main queue's "
                        + (suffix.equals(DEAD) ? "dead-letter" : "retry") + " queue, here "
                        + name.substring(0, name.length() - suffix.length()) + "'s; name the main queue");
            }
        }
        return name;
    }

    public static QueueNames of(String mainQueue) {
        return new QueueNames(mainQueue, mainQueue + DEAD, mainQueue + RETRY);
    }
}
