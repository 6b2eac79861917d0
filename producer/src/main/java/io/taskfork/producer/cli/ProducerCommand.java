package io.taskfork.producer.cli;

import io.taskfork.shared.config.Settings;
import io.taskfork.shared.config.SettingsOptions;
import io.taskfork.shared.logging.LogSetup;
import java.util.concurrent.Callable;

/** A producer command: it takes the producer's settings flags and runs in a {@link CliContext}. */
abstract class ProducerCommand implements Callable<Integer>, SettingsOptions.Carrier {

    protected final CliContext context;
    private final SettingsOptions settingsOptions;

    ProducerCommand(CliContext context) {
        this(context, ProducerMain.settingsOptions());
    }

    /** A command that takes other settings flags than the producer's own. */
    ProducerCommand(CliContext context, SettingsOptions settingsOptions) {
        this.context = context;
        this.settingsOptions = settingsOptions;
    }

    @Override
    public SettingsOptions settingsOptions() {
        return settingsOptions;
    }

    /**
     * This command's settings: its flags, else the environment, else the defaults. Log lines take
     * the format they name from here on, before the command opens anything that logs.
     */
    protected Settings settings() {
        Settings settings = context.settings(settingsOptions);
        LogSetup.use(settings.service().logFormat());
        return settings;
    }
}
