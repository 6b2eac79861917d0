package io.taskfork.consumer.child;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One process's {@code /proc/PID/stat}, read in one call: its command name and the fields after it
 * (state, parent, process group, session, …, start time, virtual size, resident pages). The child
 * reads its session's and its own CPU with it, and the supervisor every process's for the memory
 * cap and a killed child's CPU.
 */
public record ProcStat(String name, String[] fields) {

    /** Fields to split off for {@link #cpuMillis}: up to cstime, field 17 of the line. */
    public static final int CPU_FIELDS = 16;
    // utime, stime, cutime, cstime: fields 14 to 17 of the line, counted here after the name's ")"
    private static final int UTIME = 11;
    // USER_HZ, the unit of those times: 100 on every Linux architecture Java runs on
    private static final long MILLIS_PER_TICK = 10;

    /**
     * @param buffer at least 512 bytes, reused between calls by a caller that reads many
     * @param limit  how many fields to split off; the last holds the rest of the line
     * @return null when the process ended meanwhile, or its line cannot be read
     */
    public static ProcStat read(String pid, byte[] buffer, int limit) {
        return readIn("/proc/" + pid, buffer, limit);
    }

    /** As {@link #read}, from the stat file in {@code folder}: a process's folder in some mount of /proc. */
    public static ProcStat readIn(String folder, byte[] buffer, int limit) {
        int length;
        try (FileInputStream stat = new FileInputStream(folder + "/stat")) {
            length = stat.read(buffer);
        } catch (IOException gone) {
            return null;
        }
        if (length <= 0) {
            return null;
        }
        String text = new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
        int nameStart = text.indexOf('(');
        // the name may itself hold spaces and parentheses: it ends at the last ')'
        int nameEnd = text.lastIndexOf(')');
        if (nameStart < 0 || nameEnd < nameStart || nameEnd + 2 >= text.length()) {
            return null;
        }
        String[] fields = text.substring(nameEnd + 2).split(" ", limit);
        return fields.length < limit ? null : new ProcStat(text.substring(nameStart + 1, nameEnd), fields);
    }

    /**
     * Milliseconds of CPU, user and system: of the process's own threads, and with {@code reaped} of
     * the children it has reaped too; -1 when the line, read with {@link #CPU_FIELDS}, holds no such times.
     */
    public long cpuMillis(boolean reaped) {
        try {
            long ticks = 0;
            for (int field = UTIME; field < UTIME + (reaped ? 4 : 2); field++) {
                ticks += Long.parseLong(fields[field]);
            }
            return ticks * MILLIS_PER_TICK;
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // a kernel's stat laid out otherwise: no figure
            return -1;
        }
    }
}
