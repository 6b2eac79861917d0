package io.taskfork.shared.topology;

/** The three queues that belong to one main queue. */
public record QueueNames(String main, String dead, String retry) {

    private static final String RESERVED = "amq.";
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
        return name;
    }

    public static QueueNames of(String mainQueue) {
        return new QueueNames(mainQueue, mainQueue + ".dead", mainQueue + ".retry");
    }
}
