package io.taskfork.bench;

import java.util.Arrays;

/**
 * p50, p95 and p99 of a set of durations, by the nearest-rank method: the smallest value that
 * at least p% of the values do not exceed. Values are in milliseconds.
 */
record Percentiles(double p50, double p95, double p99) {

    static Percentiles of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(rank(sorted, 50), rank(sorted, 95), rank(sorted, 99));
    }

    static double rank(double[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
