package io.taskfork.bench;

import io.taskfork.shared.TaskforkException;
import io.taskfork.shared.config.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One run of the bench: its five phases in order, each within its allowance, then the report. */
final class BenchRun {

    private final Settings settings;
    private final int tasks;
    private final PrintStream progress;
    private final Budget budget;

    /** @param progress where a line goes as each phase starts and ends */
    BenchRun(Settings settings, int tasks, PrintStream progress) {
        this.settings = settings;
        this.tasks = tasks;
        this.progress = progress;
        this.budget = Budget.forTasks(tasks);
    }

    Report run() throws InterruptedException {
        Machine machine = Machine.describe(settings.child().java());
        Floor floor = new Floor(settings.child().java(), settings.child().heap(), BenchEnvironment.PREFETCH);
        List<PhaseResult> results = new ArrayList<>();
        String stage = "setup";
        Report.Failure failure = null;
        try {
            Locations locations = Locations.find();
            try (BenchEnvironment environment = BenchEnvironment.open(settings)) {
                stage = Phase.A.label();
                results.add(measure(Phase.A, budget.floor(), () -> floor.run(tasks, Deadline.in(budget.floor()))));

                stage = Phase.B.label();
                InProcessBaseline baseline = new InProcessBaseline(environment);
                results.add(measure(Phase.B, budget.inProcess(),
                        () -> baseline.run(tasks, Deadline.in(budget.inProcess()))));

                SupervisorRun supervisor = new SupervisorRun(environment, locations.launcher(), locations.handlerJar());
                for (Phase phase : List.of(Phase.C, Phase.C_BARE, Phase.C_NOSTANDBY)) {
                    stage = phase.label();
                    results.add(measure(phase, budget.supervisor(), () -> supervisor.run(phase, tasks,
                            Deadline.in(budget.supervisor()))));
                }
                stage = "cleanup";
            }
        } catch (PhaseFailedException | TaskforkException | IOException | IllegalStateException e) {
            failure = new Report.Failure(stage, Bench.oneLine(String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            failure = new Report.Failure(stage, Bench.oneLine(e.toString()));
        }
        return new Report(tasks, BenchEnvironment.PREFETCH, machine, floor.command(Path.of("<folder>")),
                results, failure);
    }

    private interface Measurement {
        PhaseResult measure() throws PhaseFailedException, IOException, InterruptedException;
    }

    private PhaseResult measure(Phase phase, Duration allowance, Measurement measurement)
            throws PhaseFailedException, IOException, InterruptedException {
        progress.printf(Locale.ROOT, "bench: %s (%s): %d tasks, at most %d s ...%n", phase.label(), phase.title(), tasks,
                allowance.toSeconds());
        PhaseResult result = measurement.measure();
        progress.printf(Locale.ROOT, "bench: %s done: %.2f tasks/s%n", phase.label(), result.tasksPerSecond());
        return result;
    }
}
