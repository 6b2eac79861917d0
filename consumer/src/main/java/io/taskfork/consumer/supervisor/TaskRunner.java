package io.taskfork.consumer.supervisor;

import io.taskfork.consumer.supervisor.launch.ChildExit;
import io.taskfork.consumer.supervisor.launch.ChildLauncher;
import io.taskfork.consumer.supervisor.launch.OutcomeClassifier;
import io.taskfork.consumer.supervisor.launch.ProgressListener;
import io.taskfork.consumer.supervisor.launch.Verdict;
import io.taskfork.shared.task.Task;
import java.io.IOException;

/** Runs a claimed task in a fresh child and decides how it ended. */
final class TaskRunner {

    private final ChildLauncher children;
    private final OutcomeClassifier classifier;

    TaskRunner(ChildLauncher children, OutcomeClassifier classifier) {
        this.children = children;
        this.classifier = classifier;
    }

    Run run(Task task, ProgressListener progress) throws IOException, InterruptedException {
        ChildExit exit = children.runTask(task, progress);
        boolean stoppedFirst = exit.stoppedBy() != null && !exit.returned();
        return new Run(exit, stoppedFirst ? null : classifier.classify(exit));
    }

    /**
     * A finished run; {@code verdict} is null when the supervisor stopped it (shutdown, cancel)
     * before its handler returned a result.
     */
    record Run(ChildExit exit, Verdict verdict) {
    }
}
