package io.taskfork.shared.config;

import io.taskfork.shared.wire.WireFormat;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code TASKFORK_TYPE_LIMITS}, such as {@code exec:2,report:1}: the most tasks of a type running at
 * once across every supervisor on the database. A type not named has no limit.
 */
public record TypeLimits(Map<String, Integer> byType) {

    public static final TypeLimits NONE = new TypeLimits(Map.of());
    static final int MOST = 10_000;

    public TypeLimits {
        byType = Map.copyOf(byType);
    }

    /** The limit of {@code type}, or null when it has none. */
    public Integer of(String type) {
        return byType.get(type);
    }

    public boolean isEmpty() {
        return byType.isEmpty();
    }

    /** The limited types not among {@code known}, by name: a type is named exactly, so "Sleep" is not "sleep". */
    public List<String> outside(Collection<String> known) {
        return byType.keySet().stream().filter(type -> !known.contains(type)).sorted().toList();
    }

    /** As the setting writes them: {@code exec:2,report:1}, by type. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(byType).forEach((type, limit) -> text.append(text.length() == 0 ? "" : ",").append(type)
                .append(':').append(limit));
        return text.toString();
    }

    static TypeLimits parse(String text) {
        Map<String, Integer> limits = new TreeMap<>();
        if (text.isBlank()) {
            return NONE;
        }
        // -1 keeps a trailing empty entry ("exec:2,"), refused as a leading one is
        for (String entry : text.split(",", -1)) {
            String trimmed = entry.strip();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("expected TYPE:N pairs separated by commas, such as exec:2,report:1");
            }
            String type = trimmed.substring(0, colon);
            if (!WireFormat.isTaskType(type)) {
                throw new IllegalArgumentException("\"" + type + "\" is not a task type");
            }
            int limit;
            try {
                limit = Integer.parseInt(trimmed.substring(colon + 1));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MOST) {
                throw new IllegalArgumentException("the limit of " + type + " must be a whole number from 1 to " + MOST);
            }
            if (limits.put(type, limit) != null) {
                throw new IllegalArgumentException(type + " is limited twice");
            }
        }
        return new TypeLimits(limits);
    }
}
