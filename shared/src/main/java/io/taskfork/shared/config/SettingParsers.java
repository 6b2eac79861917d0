package io.taskfork.shared.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads and checks the text of one setting: each method returns its value or throws an
 * IllegalArgumentException that says what was expected, which {@link SettingsLoader} reports with
 * the setting's name and where its value came from.
 */
final class SettingParsers {

    private static final long MIN_HEAP = 16L << 20;
    private static final int MIN_PROCESSES = 64;
    // the kernel's own most PIDs (pid_max's limit)
    private static final int MAX_PROCESSES = 4_194_304;

    private SettingParsers() {
    }

    /**
     * The one of {@code choices} that {@code text} names: its name in lower case, with blanks around
     * and case not minded. Otherwise it fails naming them all, as "expected auto, tiered or c1".
     */
    static <E extends Enum<E>> E oneOf(String text, E[] choices) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        for (E choice : choices) {
            String name = choice.name().toLowerCase(Locale.ROOT);
            if (name.equals(wanted)) {
                return choice;
            }
            names.add(name);
        }
        throw new IllegalArgumentException("expected " + String.join(", ", names.subList(0, names.size() - 1))
                + " or " + names.get(names.size() - 1));
    }

    static String bindAddress(String text) {
        String host = text.strip();
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:-]+")) {
            throw new IllegalArgumentException("expected an IP address or a host name, such as 127.0.0.1 or 0.0.0.0");
        }
        return host;
    }

    // A short token can be guessed; a token with spaces or control characters cannot be sent in a header.
    static String token(String text) {
        if (!text.isEmpty() && (text.length() < HttpSettings.MIN_TOKEN || !text.matches("[\\x21-\\x7e]+"))) {
            throw new IllegalArgumentException("expected empty, or at least " + HttpSettings.MIN_TOKEN
                    + " printable ASCII characters without spaces");
        }
        return text;
    }

    static String jdbcUrl(String text) {
        if (!text.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("expected a PostgreSQL JDBC URL starting with jdbc:postgresql:");
        }
        return text;
    }

    static String schema(String text) {
        if (!DbSettings.isSchemaName(text)) {
            throw new IllegalArgumentException(
                    "expected a lower-case SQL identifier (letters, digits, _; at most 63 characters)");
        }
        return text;
    }

    static String queue(String text) {
        return io.taskfork.shared.topology.QueueNames.checked(text);
    }

    /**
     * {@code TASKFORK_TASK_PROCESSES}: a number of processes and threads, or {@code off} (0). A child
     * JVM alone runs a few dozen threads, so fewer than 64 would keep tasks from starting.
     */
    static int processes(String text) {
        if (text.trim().equalsIgnoreCase("off")) {
            return 0;
        }
        try {
            return wholeNumber(text, MIN_PROCESSES, MAX_PROCESSES);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a whole number from " + MIN_PROCESSES + " to " + MAX_PROCESSES
                    + ", or off");
        }
    }

    static int wholeNumber(String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the range
        }
        throw new IllegalArgumentException("expected a whole number from " + min + " to " + max);
    }

    static Duration positiveDuration(String text) {
        Duration duration = Values.parseDuration(text);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("expected a duration greater than zero");
        }
        return duration;
    }

    static long size(String text, long min, long max) {
        long size = Values.parseSize(text);
        if (size < min || size > max) {
            throw new IllegalArgumentException("expected a size from " + min + " bytes to " + (max >> 20) + "m");
        }
        return size;
    }

    static String heap(String text) {
        long bytes = Values.parseSize(text);
        if (bytes < MIN_HEAP) {
            throw new IllegalArgumentException("expected at least 16m, as a JVM needs that much heap to start");
        }
        return text.trim().toLowerCase(java.util.Locale.ROOT);
    }

    static Path childJava(String text) {
        Path java = text.isBlank()
                ? Path.of(System.getProperty("java.home"), "bin", "java")
                : Path.of(text);
        if (!Files.isExecutable(java)) {
            throw new IllegalArgumentException("expected an executable java, found none at " + java);
        }
        return java;
    }

    static Path workDir(String text, String schema) {
        return text.isBlank() ? WorkSettings.defaultRoot(schema) : Path.of(text).toAbsolutePath().normalize();
    }

    static List<String> javaOptions(String text) {
        List<String> options = List.of(text.trim().split("\\s+")).stream().filter(option -> !option.isEmpty()).toList();
        for (String option : options) {
            if (!option.startsWith("-")) {
                throw new IllegalArgumentException("expected JVM flags separated by spaces, each starting with '-'");
            }
        }
        return options;
    }

    static boolean bool(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0", "" -> false;
            default -> throw new IllegalArgumentException("expected true or false (or yes, no, 1, 0)");
        };
    }

    /** Comma-separated command names or absolute paths. */
    static List<String> commands(String text) {
        List<String> commands = new ArrayList<>();
        for (String command : names(text)) {
            if (command.contains("/") && !Path.of(command).isAbsolute()) {
                throw new IllegalArgumentException("expected command names or absolute paths, not " + command);
            }
            commands.add(command);
        }
        return commands;
    }

    static List<Path> directories(String text) {
        List<Path> directories = new ArrayList<>();
        for (String entry : pathEntries(text)) {
            Path directory = Path.of(entry).toAbsolutePath().normalize();
            if (!Files.isDirectory(directory)) {
                throw new IllegalArgumentException("no such directory: " + directory);
            }
            directories.add(directory);
        }
        return directories;
    }

    /** Comma-separated names, trimmed, blanks left out. */
    static List<String> names(String text) {
        return java.util.Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /**
     * Names of the supervisor's environment variables, as {@link #names}: a {@code NAME=VALUE}
     * would pass nothing on, since no variable has that name, so it is refused rather than ignored.
     */
    static List<String> variableNames(String text) {
        List<String> names = names(text);
        for (String name : names) {
            if (name.contains("=") || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("\"" + name + "\" is no variable's name: it takes the names of"
                        + " variables the supervisor has, whose values pass on; a value of the task's own goes in"
                        + " its payload's env");
            }
        }
        return names;
    }

    /** Entries of a path list such as {@code a.jar:b/classes}, blanks left out. */
    private static List<String> pathEntries(String text) {
        return java.util.Arrays.stream(text.split(Pattern.quote(File.pathSeparator)))
                .filter(entry -> !entry.isBlank())
                .toList();
    }

    static List<Path> handlerPath(String text) {
        List<Path> paths = new ArrayList<>();
        for (String entry : pathEntries(text)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            if (!Files.exists(path)) {
                throw new IllegalArgumentException("no such jar or directory: " + path);
            }
            if (Files.isRegularFile(path)) {
                // the JVM silently skips a jar it cannot read: its handlers would just be missing
                try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(path.toFile())) {
                    jar.size();
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("not a readable jar: " + path + " (" + e.getMessage() + ")");
                }
            }
            paths.add(path);
        }
        return paths;
    }
}
