package io.taskfork.producer.cli;

import io.taskfork.producer.TaskPublisher;
import io.taskfork.producer.task.TaskInput;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.store.Inserted;
import io.taskfork.shared.store.NewTask;
import io.taskfork.shared.topology.TopologyMismatchException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code enqueue FILE|-}: creates a task per JSON line, in batches with publisher confirms, and
 * prints the IDs. A malformed line is reported with its number and skipped; the others go ahead.
 * Progress goes to stderr: a bar on a terminal, plain lines elsewhere.
 */
@Command(name = "enqueue", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        modelTransformer = SettingsOptions.Transformer.class,
        description = {"Creates a task for each line {\"type\": ..., \"payload\": {...}} of FILE, or of the"
                + " standard input for -, and prints their IDs, one a line, in the order of the lines;"
                + " with --line-numbers each after the number of the line that made it.",
                "Malformed lines are reported on stderr with their numbers and skipped; the others are enqueued,"
                + " and the exit code is 1.",
                "Progress goes to stderr: a bar with the count, rate and time left on a terminal, else a line"
                + " at most once a second; a summary at the end."})
final class EnqueueCommand extends ProducerCommand {

    private static final String BYTE_ORDER_MARK = "\uFEFF";
    private static final String STDIN = "-";
    private static final double NANOS_PER_SECOND = 1e9;
    // lines whose unique key a live task held, so that they created nothing
    private long keyHeld;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|-", description = "JSON lines to enqueue; - reads the standard input")
    String input;

    // A skipped line prints nothing, so a script that pairs IDs with lines needs the numbers.
    @Option(names = "--line-numbers", description = "print each ID after the number of the line that made it: 17 4021")
    boolean lineNumbers;

    EnqueueCommand(CliContext context) {
        super(context);
    }

    @Override
    public Integer call() throws IOException {
        try (Input input = open();
                TaskPublisher publisher = TaskPublisher.open(settings())) {
            EnqueueProgress progress = new EnqueueProgress(context.err(), context.terminals().err(), input.size(),
                    System::nanoTime);
            return enqueue(input.reader(), publisher, progress);
        } catch (IOException e) {
            throw new IOException("cannot read " + name() + ": " + e.getMessage(), e);
        }
    }

    private int enqueue(BufferedReader reader, TaskPublisher publisher, EnqueueProgress progress) throws IOException {
        long started = System.nanoTime();
        List<NewTask> batch = new ArrayList<>(TaskPublisher.BATCH_SIZE);
        List<Integer> numbers = new ArrayList<>(TaskPublisher.BATCH_SIZE);
        int enqueued = 0;
        int malformed = 0;
        int number = 0;
        long bytesHandled = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            number++;
            // the line ending, which the reader drops, as one byte: a share shown, not an account
            bytesHandled += line.getBytes(StandardCharsets.UTF_8).length + 1;
            // a file that editors on Windows saved as UTF-8 starts with a byte-order mark: no part of its first line
            if (number == 1 && line.startsWith(BYTE_ORDER_MARK)) {
                line = line.substring(BYTE_ORDER_MARK.length());
            }
            if (!line.isBlank()) {
                try {
                    NewTask task = TaskInput.fromLine(line);
                    // a queue the line names that cannot be had is the line's fault, as bad JSON is
                    publisher.declareQueueOf(task);
                    batch.add(task);
                    numbers.add(number);
                } catch (IllegalArgumentException | TopologyMismatchException e) {
                    progress.report("line " + number + ": " + e.getMessage());
                    malformed++;
                }
            }
            // A full batch goes out at once; so does a partial one when no more input is waiting,
            // so that tasks written slowly into a pipe are not held back until the batch fills.
            if (batch.size() == TaskPublisher.BATCH_SIZE || (!batch.isEmpty() && !reader.ready())) {
                enqueued += publish(publisher, batch, numbers);
                progress.published(enqueued, bytesHandled);
            }
        }
        enqueued += publish(publisher, batch, numbers);
        progress.finish();
        context.err().println(summary(enqueued, malformed, System.nanoTime() - started)
                + (keyHeld == 0 ? "" : "; " + Counted.of(keyHeld, "line") + " created nothing: a live task held the"
                + " unique key"));
        return malformed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** @return the tasks created; a line whose unique key a live task holds prints that task's ID, and is not counted */
    private int publish(TaskPublisher publisher, List<NewTask> batch, List<Integer> numbers) {
        PrintStream out = context.out();
        List<Inserted> inserted = publisher.submitEach(batch);
        for (int i = 0; i < inserted.size(); i++) {
            out.println(lineNumbers ? numbers.get(i) + " " + inserted.get(i).id() : inserted.get(i).id());
        }
        out.flush();
        batch.clear();
        numbers.clear();
        long held = inserted.stream().filter(task -> !task.created()).count();
        keyHeld += held;
        return (int) (inserted.size() - held);
    }

    private static String summary(int enqueued, int malformed, long nanos) {
        double seconds = nanos / NANOS_PER_SECOND;
        String line = String.format(Locale.ROOT, "enqueued %s in %.2f s (%.0f tasks/s)",
                Counted.of(enqueued, "task"), seconds, seconds > 0 ? enqueued / seconds : 0.0);
        return malformed == 0 ? line : line + "; " + Counted.of(malformed, "line") + " skipped";
    }

    private Input open() throws IOException {
        if (STDIN.equals(input)) {
            return Input.of(context.in(), -1);
        }
        Path file = Path.of(input);
        try {
            return Input.of(Files.newInputStream(file), Files.size(file));
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "no such file: " + input, e);
        }
    }

    /** The lines to enqueue, and the size of the input when it is a file (else -1). */
    private record Input(BufferedReader reader, long size) implements AutoCloseable {

        static Input of(InputStream stream, long size) {
            return new Input(new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8)), size);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    private String name() {
        return STDIN.equals(input) ? "the standard input" : input;
    }
}
