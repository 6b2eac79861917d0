package io.taskfork.shared.config;

import io.taskfork.shared.TaskforkException;

/** A setting has a value that cannot be used. The message names the variable (and the flag). */
public final class ConfigException extends TaskforkException {

    private final Setting setting;

    ConfigException(Setting setting, String source, String value, String expected) {
        super("invalid " + source + " \"" + value + "\": " + expected);
        this.setting = setting;
    }

    public Setting setting() {
        return setting;
    }
}
