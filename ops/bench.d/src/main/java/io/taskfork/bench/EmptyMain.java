package io.taskfork.bench;

/** The trivial program the floor starts again and again: a JVM that starts and ends, nothing else. */
public final class EmptyMain {

    private EmptyMain() {
    }

    public static void main(String[] a) {
    }
}
