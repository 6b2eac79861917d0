package io.taskfork.consumer.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What one scrape of {@code /metrics} holds: each sample name with its labels and their values, and its type. */
final class Scrape {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Map<String, Set<String>>> samples = new TreeMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    private Scrape() {
    }

    static Scrape parse(String text) {
        Scrape scrape = new Scrape();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                scrape.family(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int brace = line.indexOf('{');
                int space = line.indexOf(' ');
                int end = brace >= 0 && brace < space ? brace : space;
                String name = line.substring(0, end);
                Map<String, Set<String>> labels = scrape.samples.computeIfAbsent(name, any -> new TreeMap<>());
                if (end == brace) {
                    Matcher label = LABEL.matcher(line.substring(brace, line.indexOf('}', brace) + 1));
                    while (label.find()) {
                        labels.computeIfAbsent(label.group(1), any -> new TreeSet<>()).add(label.group(2));
                    }
                }
            }
        }
        return scrape;
    }

    private void family(String name, String type) {
        types.put(name, type);
        switch (type) {
            case "counter" -> {
                types.put(name + "_total", type);
                types.put(name + "_created", "gauge");
            }
            case "histogram", "summary" -> {
                for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
                    types.put(name + suffix, type);
                }
            }
            default -> {
            }
        }
    }

    boolean has(String sample) {
        return samples.containsKey(sample);
    }

    Set<String> sampleNames() {
        return samples.keySet();
    }

    /** The label names of a sample, over all its series. */
    Set<String> labels(String sample) {
        return samples.getOrDefault(sample, Map.of()).keySet();
    }

    /** The values a label takes on a sample, over all its series. */
    Set<String> values(String sample, String label) {
        return samples.getOrDefault(sample, Map.of()).getOrDefault(label, Set.of());
    }

    /** counter, gauge, histogram, summary or untyped; null for a name with no TYPE line. */
    String type(String sample) {
        return types.get(sample);
    }
}
