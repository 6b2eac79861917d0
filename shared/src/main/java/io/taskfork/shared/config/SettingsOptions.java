package io.taskfork.shared.config;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives a picocli command one flag per {@link Setting} it offers, each documented with the variable
 * it overrides. A command holds an instance, implements {@link Carrier} and names
 * {@link Transformer} as its {@code modelTransformer}. picocli applies a model transformer only in
 * the {@code CommandLine} constructor, so a subcommand must be added as {@code new CommandLine(command)}.
 */
public final class SettingsOptions {

    private final List<Setting> offered;
    private final Map<Setting, String> given = new EnumMap<>(Setting.class);
    private final Map<Setting, String> ownDefaults = new EnumMap<>(Setting.class);

    public SettingsOptions(Setting... offered) {
        this.offered = List.of(offered);
    }

    /**
     * Says, in its flag's description, that the command gives {@code setting} a default of its own,
     * {@code value}, in place of its variable's, which it does not read.
     */
    public SettingsOptions ownDefault(Setting setting, String value) {
        ownDefaults.put(setting, value);
        return this;
    }

    /** Settings from the environment, overridden by the flags given on the command line. */
    public Settings resolve(Map<String, String> environment) {
        return Settings.load(environment, given);
    }

    /** Whether {@code setting} was given as a flag or in {@code environment}, not left to its default. */
    public boolean gives(Setting setting, Map<String, String> environment) {
        return given.containsKey(setting) || environment.containsKey(setting.variable());
    }

    /** How a line names {@code setting}: by its flag and variable when the flag was given, else by its variable. */
    public String source(Setting setting) {
        return given.containsKey(setting) ? setting.flag() + " (" + setting.variable() + ")" : setting.variable();
    }

    void addTo(CommandSpec command) {
        for (Setting setting : offered) {
            String fallback = setting.defaultValue().isEmpty() ? "" : ", default " + setting.defaultValue();
            String source = ownDefaults.containsKey(setting)
                    ? "default " + ownDefaults.get(setting) + "; " + setting.variable() + " is not read"
                    : setting.variable() + fallback;
            command.addOption(OptionSpec.builder(setting.flag())
                    .paramLabel("<value>")
                    .type(String.class)
                    // picocli reads descriptions as format strings: the %2F of the default URI must be %%2F.
                    .description((setting.description() + " (" + source + ")").replace("%", "%%"))
                    .setter(new ISetter() {
                        @Override
                        public <T> T set(T value) {
                            if (value != null) {
                                given.put(setting, (String) value);
                            }
                            return null;
                        }
                    })
                    .build());
        }
    }

    /** A command that takes settings. */
    public interface Carrier {
        SettingsOptions settingsOptions();
    }

    /** Adds the flags of a {@link Carrier} command while picocli builds its model. */
    public static final class Transformer implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            ((Carrier) command.userObject()).settingsOptions().addTo(command);
            return command;
        }
    }
}
