package io.taskfork.bench;

/** The five measurements of a run, in the order they run. */
enum Phase {
    A("a", "floor: bare JVM starts"),
    B("b", "in-process consumer"),
    C("c", "taskfork"),
    // Right after c, so that the difference between the two is not one of a machine that changed speed.
    C_BARE("c_bare", "taskfork, bare"),
    C_NOSTANDBY("c_nostandby", "taskfork, no standby");

    private final String key;
    private final String title;

    Phase(String key, String title) {
        this.key = key;
        this.title = title;
    }

    /** Its name in the JSON report. */
    String key() {
        return key;
    }

    /** Its short name in the table: a, b, c, c-bare, c-nostandby. */
    String label() {
        return key.replace('_', '-');
    }

    String title() {
        return title;
    }

    /** Whether it runs a supervisor, started with ops/taskfork consumer. */
    boolean supervised() {
        return this == C || this == C_BARE || this == C_NOSTANDBY;
    }
}
