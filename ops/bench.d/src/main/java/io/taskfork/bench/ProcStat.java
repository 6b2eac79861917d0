package io.taskfork.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU times and memory of processes, read from Linux's /proc. Times are in clock ticks
 * ({@code getconf CLK_TCK}, see {@link Machine#clockTicks()}).
 */
final class ProcStat {

    // Fields of /proc/PID/stat counted from the state, the first one after "(comm)": utime is the 14th
    // field of the line, so the 12th after the comm.
    private static final int UTIME = 11;
    private static final int STIME = 12;
    private static final int CUTIME = 13;
    private static final int CSTIME = 14;

    private ProcStat() {
    }

    /**
     * CPU time of one process in clock ticks: its own ({@code utime}, {@code stime}) and that of
     * the children it has reaped ({@code cutime}, {@code cstime}; a child's time lands there only
     * once its parent has waited for it).
     */
    record Cpu(long utime, long stime, long cutime, long cstime) {

        static final Cpu ZERO = new Cpu(0, 0, 0, 0);

        long own() {
            return utime + stime;
        }

        long reapedChildren() {
            return cutime + cstime;
        }

        long total() {
            return own() + reapedChildren();
        }

        Cpu plus(Cpu other) {
            return new Cpu(utime + other.utime, stime + other.stime, cutime + other.cutime, cstime + other.cstime);
        }
    }

    /** This JVM's CPU times. */
    static Cpu self() throws IOException {
        return parse(Files.readString(Path.of("/proc/self/stat")));
    }

    /** A live process's CPU times; empty times when it is gone. */
    static Cpu of(long pid) throws IOException {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (NoSuchFileException gone) {
            return Cpu.ZERO;
        }
    }

    /**
     * CPU times of a process and of every live process below it. Each process counts once: a
     * live one by its own line, a reaped one inside its parent's {@code cutime} and {@code cstime}.
     * A child reaped between the two reads is missed: at most one short-lived process per read.
     */
    static Cpu tree(ProcessHandle root) throws IOException {
        Cpu sum = of(root.pid());
        for (ProcessHandle descendant : root.descendants().toList()) {
            sum = sum.plus(of(descendant.pid()));
        }
        return sum;
    }

    /** Parses a {@code /proc/PID/stat} line; the command name in parentheses may hold spaces and ')'. */
    static Cpu parse(String statLine) {
        int afterName = statLine.lastIndexOf(')');
        if (afterName < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + statLine);
        }
        String[] fields = statLine.substring(afterName + 1).strip().split("\\s+");
        if (fields.length <= CSTIME) {
            throw new IllegalArgumentException("too few fields in a /proc/PID/stat line: " + statLine);
        }
        return new Cpu(Long.parseLong(fields[UTIME]), Long.parseLong(fields[STIME]),
                Long.parseLong(fields[CUTIME]), Long.parseLong(fields[CSTIME]));
    }

    /** Resident memory of a live process now and at its peak, from /proc/PID/status. */
    record Memory(long rssKb, long peakRssKb) {
    }

    static Memory memory(long pid) throws IOException {
        return parseStatus(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
    }

    static Memory parseStatus(List<String> lines) {
        return new Memory(kilobytes(lines, "VmRSS:"), kilobytes(lines, "VmHWM:"));
    }

    private static long kilobytes(List<String> lines, String field) {
        for (String line : lines) {
            if (line.startsWith(field)) {
                // "VmRSS:	  183512 kB"
                return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[0]);
            }
        }
        throw new IllegalArgumentException("no " + field + " in /proc/PID/status");
    }
}
