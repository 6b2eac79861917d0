package io.taskfork.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run measured: what {@code nproc} says, the CPU model, the first line of
 * {@code java -version} of the java that children use, and the RAM.
 */
record Machine(int cpus, String cpuModel, String javaVersion, long ramMb, long clockTicksPerSecond) {

    private static final long DEFAULT_CLOCK_TICKS = 100;
    private static long clockTicks;

    static Machine describe(Path java) {
        return new Machine(readNproc(), readCpuModel(), readJavaVersion(java), readRamMb(), clockTicks());
    }

    /** Clock ticks per second of the times in /proc/PID/stat: {@code getconf CLK_TCK}, normally 100. */
    static synchronized long clockTicks() {
        if (clockTicks == 0) {
            clockTicks = firstLine(List.of("getconf", "CLK_TCK"), false)
                    .map(text -> Long.parseLong(text.strip()))
                    .orElse(DEFAULT_CLOCK_TICKS);
        }
        return clockTicks;
    }

    private static int readNproc() {
        return firstLine(List.of("nproc"), false)
                .map(text -> Integer.parseInt(text.strip()))
                .orElse(Runtime.getRuntime().availableProcessors());
    }

    private static String readCpuModel() {
        return procLine("/proc/cpuinfo", "model name").orElse("unknown");
    }

    private static long readRamMb() {
        // "MemTotal:       24683492 kB"
        return procLine("/proc/meminfo", "MemTotal")
                .map(value -> Long.parseLong(value.split("\\s+")[0]) / 1024)
                .orElse(0L);
    }

    private static String readJavaVersion(Path java) {
        return firstLine(List.of(java.toString(), "-version"), true).orElse("unknown");
    }

    /** The value after the colon of the first line of {@code file} that starts with {@code key}. */
    private static java.util.Optional<String> procLine(String file, String key) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static java.util.Optional<String> firstLine(List<String> command, boolean fromStderr) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(fromStderr).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return java.util.Optional.empty();
            }
            // a JAVA_TOOL_OPTIONS in the environment makes java say so first
            return output.lines().filter(line -> !line.startsWith("Picked up ")).findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }
}
