package io.taskfork.producer.http;

import java.util.ArrayList;
import java.util.List;

/** A whole server-sent event stream read back into its events, by the rules of the WHATWG HTML standard. */
final class ServerSentEvents {

    /** One event: its name ({@code message} when the stream named none) and its data. */
    record Event(String name, String data) {
    }

    private ServerSentEvents() {
    }

    /** The events that a blank line ended; comments ({@code : ping}) and an unended last event are left out. */
    static List<Event> parse(String stream) {
        List<Event> events = new ArrayList<>();
        String name = "message";
        StringBuilder data = null;
        for (String line : stream.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(name, data.toString()));
                }
                name = "message";
                data = null;
            } else if (line.startsWith("event:")) {
                name = value(line);
            } else if (line.startsWith("data:")) {
                data = data == null ? new StringBuilder(value(line)) : data.append('\n').append(value(line));
            }
        }
        return events;
    }

    private static String value(String line) {
        String value = line.substring(line.indexOf(':') + 1);
        return value.startsWith(" ") ? value.substring(1) : value;
    }
}
