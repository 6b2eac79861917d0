package io.taskfork.producer.cli;

/** A count with its noun, singular for one: "1 message", "2 messages". */
public final class Counted {

    private Counted() {
    }

    public static String of(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
