package io.taskfork.shared.config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Reads each setting from its flag, else its variable, else its default, and validates it. */
final class SettingsLoader {

    static final int MAX_PREFETCH = 256;
    static final int MAX_ATTEMPTS = 100;
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final long MIN_HEAP = 16L << 20;
    private static final long MAX_LOG_LIMIT = 64L << 20;
    private static final long MAX_MESSAGE_LIMIT = 128L << 20;

    private final Map<String, String> environment;
    private final Map<Setting, String> flags;

    SettingsLoader(Map<String, String> environment, Map<Setting, String> flags) {
        this.environment = environment;
        this.flags = flags;
    }

    Settings load() {
        AmqpSettings amqp = new AmqpSettings(
                parse(Setting.AMQP_URI, AmqpUris::parse),
                parse(Setting.QUEUE, SettingsLoader::queue),
                parse(Setting.PREFETCH, text -> wholeNumber(text, 1, MAX_PREFETCH)));
        DbSettings db = new DbSettings(
                parse(Setting.JDBC_URL, SettingsLoader::jdbcUrl),
                parse(Setting.JDBC_USER, text -> text),
                raw(Setting.JDBC_PASSWORD),
                parse(Setting.DB_SCHEMA, SettingsLoader::schema));
        ChildSettings child = new ChildSettings(
                parse(Setting.CHILD_JAVA, SettingsLoader::childJava),
                parse(Setting.CHILD_HEAP, SettingsLoader::heap),
                parse(Setting.TASK_TIMEOUT, SettingsLoader::positiveDuration),
                parse(Setting.TASK_MEMORY, TaskMemory::parse),
                parse(Setting.HANDLER_PATH, SettingsLoader::handlerPath),
                parse(Setting.LOG_LIMIT, text -> (int) size(text, 1024, MAX_LOG_LIMIT)),
                new StartupSettings(
                        parse(Setting.STANDBY, SettingsLoader::bool),
                        parse(Setting.CHILD_JAVA_OPTIONS, SettingsLoader::javaOptions),
                        parse(Setting.CACHE_DIR, this::cacheDir),
                        parse(Setting.CONTAINMENT, ChildContainment::parse)),
                new WorkSettings(
                        parse(Setting.WORK_DIR, text -> workDir(text, db.schema())),
                        parse(Setting.KEEP_WORKDIRS, SettingsLoader::bool),
                        parse(Setting.EXEC_ALLOW, SettingsLoader::commands),
                        parse(Setting.EXEC_ROOTS, SettingsLoader::directories),
                        parse(Setting.EXEC_ENV_PASS, SettingsLoader::names),
                        new ExecSandbox(
                                parse(Setting.EXEC_SANDBOX, ExecSandbox::parseBwrap),
                                parse(Setting.EXEC_NETWORK, SettingsLoader::bool))));
        RetrySettings retry = new RetrySettings(
                parse(Setting.MAX_ATTEMPTS, text -> wholeNumber(text, 1, MAX_ATTEMPTS)),
                parse(Setting.RETRY_DELAY, SettingsLoader::positiveDuration),
                parse(Setting.CRASH_RETRIES, text -> wholeNumber(text, 0, MAX_ATTEMPTS)));
        ServiceSettings service = new ServiceSettings(
                parse(Setting.METRICS_PORT, text -> wholeNumber(text, 0, 65535)),
                parse(Setting.MAX_MESSAGE, text -> (int) size(text, 64, MAX_MESSAGE_LIMIT)),
                parse(Setting.SHUTDOWN_GRACE, Values::parseDuration),
                parse(Setting.OUTBOX_AGE, SettingsLoader::positiveDuration),
                parse(Setting.LOG_FORMAT, LogFormat::parse),
                parse(Setting.TYPE_LIMITS, TypeLimits::parse));
        HttpSettings http = new HttpSettings(
                parse(Setting.HTTP_BIND, SettingsLoader::bindAddress),
                parse(Setting.HTTP_PORT, text -> wholeNumber(text, 0, 65535)),
                parse(Setting.HTTP_TOKEN, SettingsLoader::token),
                parse(Setting.HTTP_READONLY_TOKEN, SettingsLoader::token));
        if (!http.readonlyToken().isEmpty() && http.token().isEmpty()) {
            throw new ConfigException(Setting.HTTP_READONLY_TOKEN, source(Setting.HTTP_READONLY_TOKEN), "****",
                    "a read-only token needs TASKFORK_HTTP_TOKEN too, or the API would be open to writes without one");
        }
        if (!http.token().isEmpty() && http.token().equals(http.readonlyToken())) {
            throw new ConfigException(Setting.HTTP_READONLY_TOKEN, source(Setting.HTTP_READONLY_TOKEN), "****",
                    "the read-only token must differ from TASKFORK_HTTP_TOKEN");
        }
        return new Settings(amqp, db, child, retry, service, http);
    }

    private String raw(Setting setting) {
        String flag = flags.get(setting);
        if (flag != null) {
            return flag;
        }
        String variable = environment.get(setting.variable());
        return variable != null ? variable : setting.defaultValue();
    }

    private String source(Setting setting) {
        return flags.containsKey(setting)
                ? setting.flag() + " (" + setting.variable() + ")"
                : setting.variable();
    }

    private <T> T parse(Setting setting, Function<String, T> parser) {
        String value = raw(setting);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(setting, source(setting), shown(setting, value), e.getMessage());
        }
    }

    // An error message may end up in a log: no credentials in it.
    private static String shown(Setting setting, String value) {
        return switch (setting) {
            case AMQP_URI -> Redaction.uri(value);
            case JDBC_URL -> Redaction.jdbcUrl(value);
            case JDBC_PASSWORD, HTTP_TOKEN, HTTP_READONLY_TOKEN -> "****";
            default -> value;
        };
    }

    private static String bindAddress(String text) {
        String host = text.strip();
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:-]+")) {
            throw new IllegalArgumentException("expected an IP address or a host name, such as 127.0.0.1 or 0.0.0.0");
        }
        return host;
    }

    // A short token can be guessed; a token with spaces or control characters cannot be sent in a header.
    private static String token(String text) {
        if (!text.isEmpty() && (text.length() < HttpSettings.MIN_TOKEN || !text.matches("[\\x21-\\x7e]+"))) {
            throw new IllegalArgumentException("expected empty, or at least " + HttpSettings.MIN_TOKEN
                    + " printable ASCII characters without spaces");
        }
        return text;
    }

    private static String jdbcUrl(String text) {
        if (!text.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("expected a PostgreSQL JDBC URL starting with jdbc:postgresql:");
        }
        return text;
    }

    private static String schema(String text) {
        if (!SCHEMA.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "expected a lower-case SQL identifier (letters, digits, _; at most 63 characters)");
        }
        return text;
    }

    private static String queue(String text) {
        return io.taskfork.shared.topology.QueueNames.checked(text);
    }

    private static int wholeNumber(String text, int min, int max) {
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

    private static Duration positiveDuration(String text) {
        Duration duration = Values.parseDuration(text);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("expected a duration greater than zero");
        }
        return duration;
    }

    private static long size(String text, long min, long max) {
        long size = Values.parseSize(text);
        if (size < min || size > max) {
            throw new IllegalArgumentException("expected a size from " + min + " bytes to " + (max >> 20) + "m");
        }
        return size;
    }

    private static String heap(String text) {
        long bytes = Values.parseSize(text);
        if (bytes < MIN_HEAP) {
            throw new IllegalArgumentException("expected at least 16m, as a JVM needs that much heap to start");
        }
        return text.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static Path childJava(String text) {
        Path java = text.isBlank()
                ? Path.of(System.getProperty("java.home"), "bin", "java")
                : Path.of(text);
        if (!Files.isExecutable(java)) {
            throw new IllegalArgumentException("expected an executable java, found none at " + java);
        }
        return java;
    }

    private static Path workDir(String text, String schema) {
        return text.isBlank() ? WorkSettings.defaultRoot(schema) : Path.of(text).toAbsolutePath().normalize();
    }

    private static List<String> javaOptions(String text) {
        List<String> options = List.of(text.trim().split("\\s+")).stream().filter(option -> !option.isEmpty()).toList();
        for (String option : options) {
            if (!option.startsWith("-")) {
                throw new IllegalArgumentException("expected JVM flags separated by spaces, each starting with '-'");
            }
        }
        return options;
    }

    private Path cacheDir(String text) {
        if (!text.isBlank()) {
            return Path.of(text).toAbsolutePath().normalize();
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("taskfork");
    }

    private static boolean bool(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0", "" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** Comma-separated command names or absolute paths. */
    private static List<String> commands(String text) {
        List<String> commands = new ArrayList<>();
        for (String command : names(text)) {
            if (command.contains("/") && !Path.of(command).isAbsolute()) {
                throw new IllegalArgumentException("expected command names or absolute paths, not " + command);
            }
            commands.add(command);
        }
        return commands;
    }

    private static List<Path> directories(String text) {
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
    private static List<String> names(String text) {
        return java.util.Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(name -> !name.isEmpty())
                .toList();
    }

    /** Entries of a path list such as {@code a.jar:b/classes}, blanks left out. */
    private static List<String> pathEntries(String text) {
        return java.util.Arrays.stream(text.split(Pattern.quote(File.pathSeparator)))
                .filter(entry -> !entry.isBlank())
                .toList();
    }

    private static List<Path> handlerPath(String text) {
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
