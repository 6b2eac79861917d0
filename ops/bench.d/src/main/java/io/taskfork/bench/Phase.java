package io.taskfork.bench;

/** The four measurements of a run, in the order they run. */
enum Phase {
    A("a", "floor: bare JVM starts"),
    B("b", "in-process consumer"),
    C("c", "taskfork"),
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

    /** Its short name in the table: a, b, c, c-nostandby. */
    String label() {
        return key.replace('_', '-');
    }

    String title() {
        return title;
    }
}
