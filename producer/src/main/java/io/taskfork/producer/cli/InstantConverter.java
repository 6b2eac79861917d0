package io.taskfork.producer.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an ISO-8601 time with its offset, and says what one looks like when it is not one. */
final class InstantConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("expected an ISO-8601 time with seconds and an offset, such as"
                    + " 2026-12-01T09:00:00Z or 2026-12-01T10:00:00+01:00, not '" + value + "'");
        }
    }
}
