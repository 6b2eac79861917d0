package io.taskfork.shared.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** Reads each setting from its flag, else its variable, else its default, and validates it. */
final class SettingsLoader {

    static final int MAX_PREFETCH = 256;
    static final int MAX_ATTEMPTS = 100;
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
                parse(Setting.QUEUE, SettingParsers::queue),
                parse(Setting.PREFETCH, text -> SettingParsers.wholeNumber(text, 1, MAX_PREFETCH)));
        DbSettings db = new DbSettings(
                parse(Setting.JDBC_URL, SettingParsers::jdbcUrl),
                parse(Setting.JDBC_USER, text -> text),
                raw(Setting.JDBC_PASSWORD),
                parse(Setting.DB_SCHEMA, SettingParsers::schema));
        ChildSettings child = new ChildSettings(
                parse(Setting.CHILD_JAVA, SettingParsers::childJava),
                parse(Setting.CHILD_HEAP, SettingParsers::heap),
                parse(Setting.TASK_TIMEOUT, SettingParsers::positiveDuration),
                parse(Setting.TASK_MEMORY, TaskMemory::parse),
                parse(Setting.HANDLER_PATH, SettingParsers::handlerPath),
                parse(Setting.LOG_LIMIT, text -> (int) SettingParsers.size(text, 1024, MAX_LOG_LIMIT)),
                new StartupSettings(
                        parse(Setting.STANDBY, SettingParsers::bool),
                        parse(Setting.CHILD_JAVA_OPTIONS, SettingParsers::javaOptions),
                        parse(Setting.CACHE_DIR, this::cacheDir),
                        parse(Setting.CONTAINMENT, text -> SettingParsers.oneOf(text, ChildContainment.values())),
                        parse(Setting.CHILD_JIT, text -> SettingParsers.oneOf(text, ChildJit.values())),
                        parse(Setting.TASK_PROCESSES, SettingParsers::processes)),
                new WorkSettings(
                        parse(Setting.WORK_DIR, text -> SettingParsers.workDir(text, db.schema())),
                        parse(Setting.KEEP_WORKDIRS, SettingParsers::bool),
                        parse(Setting.EXEC_ALLOW, SettingParsers::commands),
                        parse(Setting.EXEC_ROOTS, SettingParsers::directories),
                        parse(Setting.EXEC_ENV_PASS, SettingParsers::variableNames),
                        new ExecSandbox(
                                parse(Setting.EXEC_SANDBOX, ExecSandbox::parseBwrap),
                                parse(Setting.EXEC_NETWORK, SettingParsers::bool))));
        RetrySettings retry = new RetrySettings(
                parse(Setting.MAX_ATTEMPTS, text -> SettingParsers.wholeNumber(text, 1, MAX_ATTEMPTS)),
                parse(Setting.RETRY_DELAY, SettingParsers::positiveDuration),
                parse(Setting.CRASH_RETRIES, text -> SettingParsers.wholeNumber(text, 0, MAX_ATTEMPTS)));
        ServiceSettings service = new ServiceSettings(
                parse(Setting.METRICS_PORT, text -> SettingParsers.wholeNumber(text, 0, 65535)),
                parse(Setting.METRICS_BIND, text -> text.isEmpty() ? text : SettingParsers.bindAddress(text)),
                parse(Setting.MAX_MESSAGE, text -> (int) SettingParsers.size(text, 64, MAX_MESSAGE_LIMIT)),
                parse(Setting.SHUTDOWN_GRACE, Values::parseDuration),
                parse(Setting.OUTBOX_AGE, SettingParsers::positiveDuration),
                parse(Setting.LOG_FORMAT, text -> SettingParsers.oneOf(text, LogFormat.values())),
                parse(Setting.TYPE_LIMITS, TypeLimits::parse));
        HttpSettings http = new HttpSettings(
                parse(Setting.HTTP_BIND, SettingParsers::bindAddress),
                parse(Setting.HTTP_PORT, text -> SettingParsers.wholeNumber(text, 0, 65535)),
                parse(Setting.HTTP_TOKEN, SettingParsers::token),
                parse(Setting.HTTP_READONLY_TOKEN, SettingParsers::token));
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

    private Path cacheDir(String text) {
        if (!text.isBlank()) {
            return Path.of(text).toAbsolutePath().normalize();
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("taskfork");
    }
}
