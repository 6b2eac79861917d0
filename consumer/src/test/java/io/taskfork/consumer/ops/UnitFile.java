package io.taskfork.consumer.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A systemd unit file read as sections of keys, each with every value it was given, in order. */
final class UnitFile {

    private final Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();

    private UnitFile() {
    }

    static UnitFile parse(String text) {
        UnitFile unit = new UnitFile();
        Map<String, List<String>> section = null;
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            line = pending.append(line).toString();
            pending.setLength(0);
            if (line.startsWith("[") && line.endsWith("]")) {
                section = unit.sections.computeIfAbsent(line.substring(1, line.length() - 1), any -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            if (section == null || equals <= 0) {
                throw new IllegalArgumentException("not a section header nor a key=value line: " + raw);
            }
            section.computeIfAbsent(line.substring(0, equals).strip(), any -> new ArrayList<>())
                    .add(line.substring(equals + 1).strip());
        }
        return unit;
    }

    boolean hasSection(String name) {
        return sections.containsKey(name);
    }

    List<String> all(String section, String key) {
        return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
    }

    /** The value in force: the last one given. */
    Optional<String> get(String section, String key) {
        List<String> values = all(section, key);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }
}
