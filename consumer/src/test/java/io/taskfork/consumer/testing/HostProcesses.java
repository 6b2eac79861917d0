package io.taskfork.consumer.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Processes of this host as the tests see them. A task runs in a PID namespace of its own, where
 * the PIDs it prints are not the host's: these find the host's process.
 */
public final class HostProcesses {

    // As the supervisor finds out when it starts (Containment.detect)
    private static final boolean NAMESPACES = namespaces();

    private HostProcesses() {
    }

    /**
     * The live process that a running task knows as {@code pid}: among this JVM's descendants (the
     * supervisor's children are, in-process or not), the one whose innermost PID namespace gives it
     * that PID; the host's {@code pid} when the supervisor runs children without namespaces, as it
     * does when this host offers none. Only one task runs at a time in the tests that ask, so one
     * namespace of theirs holds it; other namespaces on the host, such as another supervisor's
     * tasks, are not looked into.
     */
    public static Optional<ProcessHandle> ofTaskPid(long pid) {
        if (!NAMESPACES) {
            return ProcessHandle.of(pid);
        }
        String wanted = Long.toString(pid);
        return ProcessHandle.current().descendants().filter(process -> {
            List<String> nspid = nspid(Path.of("/proc", Long.toString(process.pid())));
            return nspid.size() > 1 && nspid.get(nspid.size() - 1).equals(wanted);
        }).findFirst();
    }

    /** Whether this host lets the supervisor run each child in a PID namespace of its own. */
    public static boolean namespacesUsable() {
        return NAMESPACES;
    }

    private static boolean namespaces() {
        for (List<String> user : List.of(List.<String>of(), List.of("--user", "--map-root-user"))) {
            List<String> command = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child", "--mount-proc"));
            command.addAll(user);
            command.add("true");
            try {
                Process probe = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (probe.waitFor() == 0) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * A number of seconds to sleep that no other process of the host sleeps: a process's mark. Under
     * a quarter of an hour, so that one a failed kill leaves behind does not linger long.
     */
    public static String uniqueSleep() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "8" + random.nextInt(10, 99) + "." + random.nextInt(100_000, 999_999);
    }

    /** The live processes of the host with {@code argument} among their arguments. */
    public static List<ProcessHandle> withArgument(String argument) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().arguments().map(List::of).orElse(List.of()).contains(argument))
                .toList();
    }

    /** The live processes whose argv[0] is {@code name} (as {@code exec -a name} sets it). */
    public static List<Long> named(String name) {
        List<Long> found = new ArrayList<>();
        for (Path process : all()) {
            try {
                String cmdline = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8);
                int end = cmdline.indexOf('\0');
                if ((end < 0 ? cmdline : cmdline.substring(0, end)).equals(name)
                        && ProcessHandle.of(Long.parseLong(process.getFileName().toString()))
                                .map(PackagedConsumer::isRunning).orElse(false)) {
                    found.add(Long.parseLong(process.getFileName().toString()));
                }
            } catch (IOException gone) {
                // ended while we looked
            }
        }
        return found;
    }

    private static List<Path> all() {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.filter(entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> nspid(Path process) {
        try {
            return Files.readAllLines(process.resolve("status")).stream()
                    .filter(line -> line.startsWith("NSpid:"))
                    .findFirst()
                    .map(line -> List.of(line.substring("NSpid:".length()).trim().split("\\s+")))
                    .orElse(List.of());
        } catch (IOException gone) {
            return List.of();
        }
    }
}
