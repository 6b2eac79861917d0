package io.taskfork.producer.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text in columns as wide as their widest cell, two spaces apart; numbers are aligned
 * right, and the last column is not padded, so that no line ends in blanks.
 */
final class TextTable {

    private static final String GAP = "  ";

    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table of these columns; a header ending in {@code >} is aligned right (the mark is not shown). */
    TextTable(String... headers) {
        this.headers = new ArrayList<>();
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            rightAligned[i] = headers[i].endsWith(">");
            this.headers.add(rightAligned[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i]);
        }
    }

    TextTable add(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, not " + cells.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    void print(PrintStream out) {
        int[] widths = new int[headers.size()];
        for (List<String> row : all()) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all()) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                boolean last = i == row.size() - 1;
                String padding = " ".repeat(widths[i] - cell.length());
                line.append(i == 0 ? "" : GAP).append(rightAligned[i] ? padding + cell : last ? cell : cell + padding);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private List<List<String>> all() {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(headers);
        all.addAll(rows);
        return all;
    }

    /** {@code text} cut to {@code most} characters, an ellipsis showing the cut; "-" for nothing. */
    static String cut(String text, int most) {
        if (text == null || text.isEmpty()) {
            return "-";
        }
        return text.length() <= most ? text : text.substring(0, most - 1) + "…";
    }
}
