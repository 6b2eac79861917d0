package io.taskfork.producer.cli;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Picocli formats option descriptions with {@link String#format}, so the {@code %2F} in the
 * default AMQP URI that {@code SettingsOptions} puts into its descriptions makes {@code --help}
 * print warnings. This escapes each lone {@code %}, leaving {@code %%} and {@code %n} as they are,
 * so it stays correct once the descriptions arrive escaped.
 */
final class UsageText {

    private static final Pattern PERCENT = Pattern.compile("%(%|n)?");

    private UsageText() {
    }

    /** Escapes the option descriptions of every subcommand of {@code commandLine}. */
    static void escapePercents(CommandLine commandLine) {
        for (CommandLine subcommand : commandLine.getSubcommands().values()) {
            CommandSpec spec = subcommand.getCommandSpec();
            for (OptionSpec option : List.copyOf(spec.options())) {
                // the builder holds the raw text; OptionSpec.description() would format it, and warn
                OptionSpec.Builder builder = option.toBuilder();
                String[] description = builder.description();
                if (Arrays.stream(description).anyMatch(line -> line.contains("%"))) {
                    spec.remove(option);
                    spec.addOption(builder.description(escape(description)).build());
                }
            }
        }
    }

    static String[] escape(String[] lines) {
        return Arrays.stream(lines).map(UsageText::escape).toArray(String[]::new);
    }

    private static String escape(String line) {
        Matcher matcher = PERCENT.matcher(line);
        return matcher.replaceAll(match -> match.group(1) != null ? Matcher.quoteReplacement(match.group()) : "%%");
    }
}
