package io.taskfork.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskfork.shared.json.Json;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of a run, as a table for a person or as one JSON object to keep and compare with
 * later runs. A phase that did not run, or failed, is left out; the failure is named.
 *
 * @param failure the phase that failed and why, or null when every phase ran
 */
record Report(int tasks, int prefetch, Machine machine, List<String> floorCommand, List<PhaseResult> results,
        Failure failure) {

    /** @param stage where it failed: a phase's label, or "setup" */
    record Failure(String stage, String reason) {
    }

    private static final double MB = 1024.0;

    Optional<PhaseResult> result(Phase phase) {
        return results.stream().filter(result -> result.phase() == phase).findFirst();
    }

    /**
     * What the containment layer (a PID namespace per child, the memory watch) costs a task: the CPU
     * of c less that of c-bare, per task, and the throughput of c over that of c-bare; when both ran.
     */
    Optional<LayerCost> layerCost() {
        return result(Phase.C).flatMap(c -> result(Phase.C_BARE).map(bare -> new LayerCost(
                (c.cpuSecondsPerTask() - bare.cpuSecondsPerTask()) * 1000, c.tasksPerSecond() / bare.tasksPerSecond())));
    }

    record LayerCost(double cpuMsPerTask, double throughputRatio) {
    }

    /** Throughput of {@code phase} over that of {@code base}, when both ran. */
    Optional<Double> ratio(Phase phase, Phase base) {
        return result(phase).flatMap(top -> result(base).map(bottom -> top.tasksPerSecond() / bottom.tasksPerSecond()));
    }

    // ---- JSON ----

    void printJson(PrintStream out) {
        out.println(Json.write(json()));
    }

    ObjectNode json() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("tasks", tasks);
        root.put("prefetch", prefetch);
        root.put("queue", BenchEnvironment.QUEUE);
        root.put("schema", BenchEnvironment.SCHEMA);
        ObjectNode host = root.putObject("machine");
        host.put("nproc", machine.cpus());
        host.put("cpu_model", machine.cpuModel());
        host.put("java", machine.javaVersion());
        host.put("ram_mb", machine.ramMb());
        host.put("clk_tck", machine.clockTicksPerSecond());
        for (PhaseResult result : results) {
            root.set(result.phase().key(), json(result));
        }
        layerCost().ifPresent(cost -> root.putObject("containment_cost")
                .put("cpu_ms_per_task", round(cost.cpuMsPerTask(), 2))
                .put("throughput_c_over_c_bare", round(cost.throughputRatio(), 4)));
        root.put("ok", failure == null);
        if (failure != null) {
            root.putObject("failure").put("stage", failure.stage()).put("reason", failure.reason());
        }
        return root;
    }

    private ObjectNode json(PhaseResult result) {
        ObjectNode phase = Json.MAPPER.createObjectNode();
        phase.put("what", result.phase().title());
        phase.put("tasks_per_second", round(result.tasksPerSecond(), 3));
        phase.put("wall_seconds", round(result.wallSeconds(), 3));
        phase.put("cpu_seconds_per_task", round(result.cpuSecondsPerTask(), 5));
        if (result.latencies() != null) {
            percentiles(phase.putObject("delivery_to_handler_ms"), result.latencies().deliveryToHandler());
            percentiles(phase.putObject("enqueue_to_succeeded_ms"), result.latencies().enqueueToSucceeded());
            percentiles(phase.putObject("return_to_result_recorded_ms"), result.latencies().returnToResult());
            percentiles(phase.putObject("return_to_outcome_recorded_ms"), result.latencies().returnToOutcome());
        }
        if (result.paced() != null) {
            percentiles(phase.putObject("paced_delivery_to_handler_ms"), result.paced());
        }
        if (!Double.isNaN(result.supervisorCpuSeconds())) {
            phase.put("supervisor_cpu_ms_per_task", round(result.supervisorCpuMsPerTask(), 2));
        }
        if (!Double.isNaN(result.supervisorCpuMsPerTaskSecondHalf())) {
            phase.put("supervisor_cpu_ms_per_task_second_half",
                    round(result.supervisorCpuMsPerTaskSecondHalf(), 2));
        }
        if (result.supervisorMemory() != null) {
            phase.put("supervisor_rss_mb", round(result.supervisorMemory().rssKb() / MB, 1));
            phase.put("supervisor_peak_rss_mb", round(result.supervisorMemory().peakRssKb() / MB, 1));
        }
        if (result.phase().supervised()) {
            ratio(result.phase(), Phase.A).ifPresent(ratio -> phase.put("throughput_vs_a", round(ratio, 4)));
            ratio(result.phase(), Phase.B).ifPresent(ratio -> phase.put("throughput_vs_b", round(ratio, 5)));
        }
        return phase;
    }

    private static void percentiles(ObjectNode node, Percentiles percentiles) {
        node.put("p50", round(percentiles.p50(), 3));
        node.put("p95", round(percentiles.p95(), 3));
        node.put("p99", round(percentiles.p99(), 3));
    }

    private static double round(double value, int decimals) {
        return java.math.BigDecimal.valueOf(value).setScale(decimals, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    // ---- table ----

    void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "taskfork bench: %d no-op tasks per phase, prefetch %d, queue %s, schema %s%n", tasks,
                prefetch, BenchEnvironment.QUEUE, BenchEnvironment.SCHEMA);
        out.printf(Locale.ROOT, "machine: %d CPUs (nproc), %s, %.1f GiB RAM, %s%n%n", machine.cpus(),
                machine.cpuModel(), machine.ramMb() / MB, machine.javaVersion());
        out.printf(Locale.ROOT, "%-34s %8s %8s %9s  %-26s  %-26s%n", "", "", "", "CPU s",
                "delivery->handler ms", "enqueue->succeeded ms");
        out.printf(Locale.ROOT, "%-34s %8s %8s %9s  %8s %8s %8s  %8s %8s %8s%n", "phase", "tasks/s", "wall s",
                "per task", "p50", "p95", "p99", "p50", "p95", "p99");
        for (PhaseResult result : results) {
            out.printf(Locale.ROOT, "%-34s %8.2f %8.2f %9.4f  %s  %s%n",
                    String.format(Locale.ROOT, "%-13s%s", result.phase().label(), result.phase().title()), result.tasksPerSecond(),
                    result.wallSeconds(), result.cpuSecondsPerTask(),
                    cells(result.latencies() == null ? null : result.latencies().deliveryToHandler()),
                    cells(result.latencies() == null ? null : result.latencies().enqueueToSucceeded()));
        }
        out.println();
        for (PhaseResult result : results) {
            if (result.supervisorMemory() != null) {
                double secondHalf = result.supervisorCpuMsPerTaskSecondHalf();
                out.printf(Locale.ROOT, "supervisor of %s: its own CPU %.1f ms per task (children left out%s); memory"
                        + " at the end: RSS %.1f MB, peak %.1f MB%n", result.phase().label(),
                        result.supervisorCpuMsPerTask(),
                        Double.isNaN(secondHalf) ? "" : String.format(Locale.ROOT, "; %.1f over the second half of the"
                                + " tasks", secondHalf),
                        result.supervisorMemory().rssKb() / MB, result.supervisorMemory().peakRssKb() / MB);
            }
        }
        for (PhaseResult result : results) {
            if (result.latencies() != null) {
                Percentiles window = result.latencies().returnToResult();
                Percentiles outcome = result.latencies().returnToOutcome();
                out.printf(Locale.ROOT, "the run-twice window of %s, handler return->result recorded ms: p50 %.1f,"
                        + " p99 %.1f (->outcome recorded after the child's exit: p50 %.1f, p99 %.1f)%n",
                        result.phase().label(), window.p50(), window.p99(), outcome.p50(), outcome.p99());
            }
        }
        for (PhaseResult result : results) {
            if (result.paced() != null) {
                out.printf(Locale.ROOT, "delivery->handler ms of %d tasks enqueued one every %d ms after %s: p50 %.1f,"
                        + " p95 %.1f, p99 %.1f%n", Math.min(tasks, SupervisorRun.PACED_TASKS), SupervisorRun.PACE.toMillis(),
                        result.phase().label(), result.paced().p50(), result.paced().p95(), result.paced().p99());
            }
        }
        for (Phase phase : List.of(Phase.C, Phase.C_BARE, Phase.C_NOSTANDBY)) {
            Optional<Double> overA = ratio(phase, Phase.A);
            Optional<Double> overB = ratio(phase, Phase.B);
            if (overA.isPresent() || overB.isPresent()) {
                out.printf(Locale.ROOT, "throughput %s: %s of a (the floor), %s of b (in-process)%n", phase.label(),
                        overA.map(Report::ratioText).orElse("-"), overB.map(Report::ratioText).orElse("-"));
            }
        }
        layerCost().ifPresent(cost -> out.printf(Locale.ROOT, "containment layer (PID namespace, memory watch):"
                + " c - c-bare = %.1f ms CPU per task; throughput c/c-bare %.3f%n", cost.cpuMsPerTask(),
                cost.throughputRatio()));
        out.println();
        out.println("a: " + String.join(" ", floorCommand) + ", " + prefetch
                + " at a time; CPU: those JVMs (cutime+cstime of the bench JVM)");
        out.println("b: an amqp-client consumer in the bench JVM, " + prefetch + " worker threads; per task the claim"
                + " and finish statements, then the ack; all enqueued first, window and CPU (the bench JVM's"
                + " utime+stime) from the start of consuming");
        out.println("c: ops/taskfork consumer, a child JVM per task; window from the first enqueue to the last"
                + " success; CPU: the supervisor and its children");
        out.println("c-bare: c with TASKFORK_CONTAINMENT=session and TASKFORK_TASK_MEMORY=off: no PID namespace"
                + " (each child's process tree kept by taskfork-child-init), no memory watch");
        out.println("latencies from the rows: delivery->handler = result.handler_started_us - started_at;"
                + " enqueue->succeeded = finished_at - created_at; return->result recorded = returned_at -"
                + " result.handler_started_us (finished_at for b, which records once)");
        if (failure != null) {
            out.println();
            out.println("FAILED in " + failure.stage() + ": " + failure.reason());
        }
    }

    private static String cells(Percentiles percentiles) {
        if (percentiles == null) {
            return String.format(Locale.ROOT, "%8s %8s %8s", "-", "-", "-");
        }
        return String.format(Locale.ROOT, "%8.1f %8.1f %8.1f", percentiles.p50(), percentiles.p95(), percentiles.p99());
    }

    private static String ratioText(double ratio) {
        return String.format(Locale.ROOT, ratio >= 0.01 ? "%.3f" : "%.5f", ratio);
    }
}
