package io.taskfork.producer.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/** Reads a task's ID, and says what one looks like when it is not one. */
final class TaskIdConverter implements ITypeConverter<Long> {

    /**
     * Each of {@code values} as a task's ID. A list of them is read as text and converted here:
     * picocli takes a value it cannot convert for the end of the list, and calls it unmatched.
     *
     * @throws ParameterException naming the first that is not an ID
     */
    static List<Long> all(CommandSpec spec, List<String> values) {
        List<Long> ids = new ArrayList<>();
        for (String value : values) {
            try {
                ids.add(new TaskIdConverter().convert(value));
            } catch (TypeConversionException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return ids;
    }

    @Override
    public Long convert(String value) {
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            if (value.matches("[0-9]{19,}")) {
                // a whole number from 1 up, but past any ID a task can have
                throw new TypeConversionException("a task ID is at most " + Long.MAX_VALUE + ", not '" + value + "'");
            }
        }
        throw new TypeConversionException("a task ID is a whole number from 1 up, not '" + value + "'");
    }
}
