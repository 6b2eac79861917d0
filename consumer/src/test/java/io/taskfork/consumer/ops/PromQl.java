package io.taskfork.consumer.ops;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to check expressions against what a supervisor exports: the selectors of
 * the metrics they name, the labels they group by, and the functions metrics are handed to.
 */
final class PromQl {

    /** The metric families these checks know: taskfork's own, the JVM's and the process's, and Prometheus's up. */
    private static final Pattern METRIC =
            Pattern.compile("\\b((?:taskfork|jvm|process)_[a-z0-9_]+|up)\\b(\\s*\\{([^}]*)})?");
    private static final Pattern MATCHER =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|!~|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring)\\s*\\(([^)]*)\\)");
    private static final Pattern AGGREGATION = Pattern.compile("\\b(sum|max|min|avg|count|absent)\\s*\\(");
    private static final Pattern FUNCTION_OF_METRIC =
            Pattern.compile("\\b(rate|irate|increase|delta|idelta|deriv)\\s*\\(\\s*([a-zA-Z_][a-zA-Z0-9_]*)");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    private static final Pattern ANNOTATION_LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");

    record LabelMatcher(String label, String operator, String value) {
    }

    record Selector(String metric, List<LabelMatcher> matchers, boolean hasBraces) {
    }

    record Call(String function, String metric) {
    }

    private PromQl() {
    }

    static List<Selector> selectors(String expr) {
        List<Selector> selectors = new ArrayList<>();
        Matcher metric = METRIC.matcher(expr);
        while (metric.find()) {
            List<LabelMatcher> matchers = new ArrayList<>();
            if (metric.group(3) != null) {
                Matcher matcher = MATCHER.matcher(metric.group(3));
                while (matcher.find()) {
                    matchers.add(new LabelMatcher(matcher.group(1), matcher.group(2), matcher.group(3)));
                }
            }
            selectors.add(new Selector(metric.group(1), matchers, metric.group(2) != null));
        }
        return selectors;
    }

    /** Labels named in by, without, on and ignoring clauses. */
    static Set<String> groupingLabels(String expr) {
        return grouping(expr, "by|without|on|ignoring");
    }

    /** Labels named in by clauses: the labels an aggregated result keeps. */
    static Set<String> byLabels(String expr) {
        return grouping(expr, "by");
    }

    static boolean aggregates(String expr) {
        return AGGREGATION.matcher(expr).find();
    }

    private static Set<String> grouping(String expr, String keywords) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher grouping = GROUPING.matcher(expr);
        while (grouping.find()) {
            if (grouping.group(1).matches(keywords)) {
                for (String label : grouping.group(2).split(",")) {
                    if (!label.isBlank()) {
                        labels.add(label.strip());
                    }
                }
            }
        }
        return labels;
    }

    /** Metrics handed straight to rate, increase, delta and the like. */
    static List<Call> calls(String expr) {
        List<Call> calls = new ArrayList<>();
        Matcher call = FUNCTION_OF_METRIC.matcher(expr);
        while (call.find()) {
            calls.add(new Call(call.group(1), call.group(2)));
        }
        return calls;
    }

    /** Labels a Grafana legend shows: {{label}}. */
    static Set<String> legendLabels(String legend) {
        return all(LEGEND_LABEL, legend);
    }

    /** Labels an alert's annotation reads: $labels.label. */
    static Set<String> annotationLabels(String annotation) {
        return all(ANNOTATION_LABEL, annotation);
    }

    private static Set<String> all(Pattern pattern, String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
