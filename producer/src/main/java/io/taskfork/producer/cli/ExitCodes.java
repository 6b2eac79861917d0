package io.taskfork.producer.cli;

import io.taskfork.producer.queue.NoSuchQueueException;
import io.taskfork.shared.TaskforkException;
import io.taskfork.shared.config.ConfigException;
import io.taskfork.shared.store.NoSuchSchemaException;
import io.taskfork.shared.wire.WireFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import org.jdbi.v3.core.JdbiException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The exit codes of the CLI, and the one line printed for each error instead of picocli's usage
 * text or a stack trace: 0 success, 1 the operation failed, 2 bad usage.
 */
final class ExitCodes implements IParameterExceptionHandler, IExecutionExceptionHandler {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final String PREFIX = "taskfork: ";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        // An unknown option goes by, and its value is then read as the next parameter: "status --task-timeout
        // 5m" fails on 5m as a task ID. The unknown option is what the person mistyped.
        if (!(ex instanceof UnmatchedArgumentException) && command.getUnmatchedArguments().stream()
                .anyMatch(argument -> argument.startsWith("-"))) {
            ex = new UnmatchedArgumentException(command, command.getUnmatchedArguments());
        }
        // picocli begins some of its own messages (options that exclude each other) with "Error: "
        String message = oneLine(ex.getMessage()).replaceFirst("^Error: ", "");
        // and a value its converter refused with "Invalid value for positional parameter at index 0
        // (ID): ", where the converter's own words already say what the value should be
        if (ex.getArgSpec() instanceof PositionalParamSpec && ex.getCause() instanceof TypeConversionException) {
            message = oneLine(ex.getCause().getMessage());
        }
        // and words left over with "Unmatched argument at index 2: '2'", a count of words nobody counts
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.isUnknownOption()) {
            List<String> words = unmatched.getUnmatched().stream().map(word -> "'" + word + "'").toList();
            message = !command.getSubcommands().isEmpty() ? "unknown command " + words.get(0)
                    : "unexpected argument" + (words.size() == 1 ? " " : "s ") + String.join(" ", words);
        }
        command.getErr().println(PREFIX + message + suggestion(ex)
                + " (see " + command.getCommandSpec().qualifiedName() + " --help)");
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        // a setting that cannot be used, or that names queues or a schema that are not there (misspelt)
        if (ex instanceof ConfigException || ex instanceof NoSuchQueueException
                || ex instanceof NoSuchSchemaException) {
            err.println(PREFIX + oneLine(ex.getMessage()));
            return USAGE;
        }
        if (ex instanceof TaskforkException || ex instanceof IOException) {
            err.println(PREFIX + oneLine(ex.getMessage()));
        } else if (ex instanceof JdbiException) {
            err.println(PREFIX + "database error: " + oneLine(rootMessage(ex)));
        } else {
            err.println(PREFIX + "unexpected " + ex.getClass().getName() + ": " + oneLine(ex.getMessage()));
        }
        return FAILED;
    }

    private static String suggestion(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                return "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        return "";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static String oneLine(String message) {
        String text = String.valueOf(message);
        return WireFormat.oneLine(text.lines().findFirst().orElse(text));
    }
}
