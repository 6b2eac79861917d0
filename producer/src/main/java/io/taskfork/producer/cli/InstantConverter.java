package io.taskfork.producer.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an ISO-8601 time, and says what one looks like when it is not one. */
final class InstantConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("expected an ISO-8601 time in UTC, such as 2026-12-01T09:00:00Z, not '"
                    + value + "'");
        }
    }
}
