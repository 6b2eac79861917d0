package io.taskfork.shared.config;

import java.util.regex.Pattern;

/** How to reach PostgreSQL, and the schema that holds taskfork's tables. */
public record DbSettings(String jdbcUrl, String user, String password, String schema) {

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Whether {@code text} is a schema's name as TASKFORK_DB_SCHEMA takes it: a lower-case SQL identifier. */
    public static boolean isSchemaName(String text) {
        return SCHEMA.matcher(text).matches();
    }

    @Override
    public String toString() {
        return "DbSettings[jdbcUrl=" + Redaction.jdbcUrl(jdbcUrl) + ", user=" + user + ", password="
                + (password.isEmpty() ? "" : "****") + ", schema=" + schema + "]";
    }
}
