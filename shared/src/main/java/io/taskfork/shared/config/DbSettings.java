package io.taskfork.shared.config;

/** How to reach PostgreSQL, and the schema that holds taskfork's tables. */
public record DbSettings(String jdbcUrl, String user, String password, String schema) {

    @Override
    public String toString() {
        return "DbSettings[jdbcUrl=" + Redaction.jdbcUrl(jdbcUrl) + ", user=" + user + ", password="
                + (password.isEmpty() ? "" : "****") + ", schema=" + schema + "]";
    }
}
