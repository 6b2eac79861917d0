package io.taskfork.shared.config;

import io.taskfork.shared.TaskforkException;

/** A setting has a value that cannot be used. The message names the variable (and the flag). */
public final class ConfigException extends TaskforkException {

    private final Setting setting;

    ConfigException(Setting setting, String source, String value, String expected) {
        super("invalid " + source + " \"" + printable(value) + "\": " + expected);
        this.setting = setting;
    }

    // The message is one line, whatever the value holds.
    private static String printable(String value) {
        StringBuilder text = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                text.append(String.format("\\u%04x", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        return text.toString();
    }

    public Setting setting() {
        return setting;
    }
}
