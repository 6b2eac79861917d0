package io.taskfork.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Phase a, the floor: {@code tasks} starts of a JVM that runs an empty main method, {@code
 * concurrency} at a time, with the java and the heap of a task's child JVM and the cheapest start
 * that java has: C1 only, SerialGC, no performance-counter file, and the JDK's default CDS archive
 * ({@code -Xshare:auto}). It is the least that a fresh JVM per task can cost. The class is started
 * from a folder of its own, so that the JVM opens no jar.
 */
final class Floor {

    private final Path java;
    private final String heap;
    private final int concurrency;

    Floor(Path java, String heap, int concurrency) {
        this.java = java;
        this.heap = heap;
        this.concurrency = concurrency;
    }

    /** The command line of one start, with {@code classes} as its classpath. */
    List<String> command(Path classes) {
        return List.of(java.toString(), "-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:-UsePerfData", "-Xshare:auto", "-cp", classes.toString(), EmptyMain.class.getName());
    }

    PhaseResult run(int tasks, Deadline deadline) throws PhaseFailedException, IOException, InterruptedException {
        Path classes = Files.createTempDirectory("taskfork-bench-floor-");
        try {
            copyEmptyMain(classes);
            List<String> command = command(classes);
            ExecutorService starters = Executors.newFixedThreadPool(concurrency);
            AtomicInteger next = new AtomicInteger();
            // The JVMs started here are this JVM's children: once reaped, their CPU time is in its cutime and cstime.
            ProcStat.Cpu before = ProcStat.self();
            long start = System.nanoTime();
            List<Future<Void>> runs = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                runs.add(starters.submit(() -> {
                    while (next.getAndIncrement() < tasks) {
                        startOnce(command, deadline);
                    }
                    return null;
                }));
            }
            try {
                for (Future<Void> run : runs) {
                    run.get();
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof PhaseFailedException failed ? failed
                        : new PhaseFailedException("a JVM start failed: " + e.getCause(), e.getCause());
            } finally {
                starters.shutdownNow();
            }
            double wall = (System.nanoTime() - start) / 1e9;
            ProcStat.Cpu after = ProcStat.self();
            double cpu = (after.reapedChildren() - before.reapedChildren()) / (double) Machine.clockTicks();
            return new PhaseResult(Phase.A, tasks, wall, cpu, null, null);
        } finally {
            Files.deleteIfExists(classes.resolve(classFile()));
            deleteEmptyParents(classes.resolve(classFile()).getParent(), classes);
        }
    }

    private static void startOnce(List<String> command, Deadline deadline)
            throws IOException, InterruptedException, PhaseFailedException {
        Process process = new ProcessBuilder(command)
                .redirectInput(Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.DISCARD)
                .start();
        if (!process.waitFor(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new PhaseFailedException("the JVM starts did not finish within " + deadline.seconds() + " s");
        }
        if (process.exitValue() != 0) {
            throw new PhaseFailedException("a JVM start of " + String.join(" ", command) + " exited with code "
                    + process.exitValue());
        }
    }

    private static String classFile() {
        return EmptyMain.class.getName().replace('.', '/') + ".class";
    }

    private static void copyEmptyMain(Path classes) throws IOException {
        Path target = classes.resolve(classFile());
        Files.createDirectories(target.getParent());
        try (InputStream in = Floor.class.getResourceAsStream("/" + classFile())) {
            if (in == null) {
                throw new IOException("cannot find " + classFile() + " in the bench jar");
            }
            Files.copy(in, target);
        }
    }

    private static void deleteEmptyParents(Path folder, Path top) throws IOException {
        for (Path current = folder; current != null && current.startsWith(top); current = current.getParent()) {
            Files.deleteIfExists(current);
        }
    }
}
