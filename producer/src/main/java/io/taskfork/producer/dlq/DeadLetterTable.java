package io.taskfork.producer.dlq;

import io.taskfork.shared.wire.WireFormat;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Dead letters as a table, one a line, the detail cut to fit the width. */
final class DeadLetterTable {

    private static final String NONE = "-";
    private static final int MOST_TYPE = 20;
    private static final int LEAST_DETAIL = 20;
    private static final String GAP = "  ";

    private record Column(String title, Function<DeadLetter, String> cell, boolean rightAligned) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("task", letter -> letter.taskId() == null ? NONE : Long.toString(letter.taskId()), true),
            new Column("type", letter -> cut(letter.type() == null ? NONE : letter.type(), MOST_TYPE), false),
            new Column("status", letter -> letter.status() == null ? NONE : letter.status().value(), false),
            new Column("reason", DeadLetter::reason, false),
            new Column("dead at", letter -> time(letter.deadAt()), false));

    private DeadLetterTable() {
    }

    /** Prints a header line, a line per letter, then how many there are in {@code queue} (of {@code total}). */
    static void print(List<DeadLetter> letters, long total, String queue, int width, PrintStream out) {
        int[] widths = new int[COLUMNS.size()];
        for (int c = 0; c < COLUMNS.size(); c++) {
            Column column = COLUMNS.get(c);
            widths[c] = column.title().length();
            for (DeadLetter letter : letters) {
                widths[c] = Math.max(widths[c], column.cell().apply(letter).length());
            }
        }
        int fixed = 0;
        for (int w : widths) {
            fixed += w + GAP.length();
        }
        int detailWidth = Math.max(LEAST_DETAIL, width - fixed);
        out.println(line(widths, COLUMNS.stream().map(Column::title).toList(), "detail"));
        for (DeadLetter letter : letters) {
            out.println(line(widths, COLUMNS.stream().map(column -> column.cell().apply(letter)).toList(),
                    cut(letter.detail(), detailWidth)));
        }
        out.println(letters.size() == total
                ? total + (total == 1 ? " message in " : " messages in ") + queue
                : "the first " + letters.size() + " of " + total + " messages in " + queue + " (see --limit)");
    }

    private static String line(int[] widths, List<String> cells, String detail) {
        List<String> padded = new ArrayList<>(cells.size() + 1);
        for (int c = 0; c < cells.size(); c++) {
            String format = "%" + (COLUMNS.get(c).rightAligned() ? "" : "-") + widths[c] + "s";
            padded.add(String.format(format, cells.get(c)));
        }
        padded.add(detail);
        return String.join(GAP, padded).stripTrailing();
    }

    static String cut(String text, int width) {
        String flat = WireFormat.oneLine(text);
        return flat.length() <= width ? flat : flat.substring(0, width - 1) + "…";
    }

    private static String time(Instant instant) {
        return instant == null ? NONE : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
