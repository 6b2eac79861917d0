package io.taskfork.shared.schedule;

import java.util.Locale;

/** What a schedule makes of the fire times it missed while no supervisor ran. */
public enum CatchUp {
    /** Nothing: it goes on from the next time to come. */
    NONE,
    /** One task for all of them. */
    ONE,
    /** A task for each, up to {@link FirePlan#MOST_MISSED}. */
    ALL;

    public static final CatchUp DEFAULT = ONE;

    /** As written on the command line and in the {@code catch_up} column. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CatchUp of(String value) {
        for (CatchUp catchUp : values()) {
            if (catchUp.value().equals(value)) {
                return catchUp;
            }
        }
        throw new IllegalArgumentException("invalid --catch-up " + value + ": expected none, one or all");
    }
}
