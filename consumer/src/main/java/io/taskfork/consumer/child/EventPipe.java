package io.taskfork.consumer.child;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;

/** The child's side of its events pipe: one JSON line per event, whole lines only, from any thread. */
final class EventPipe {

    private final OutputStream out;
    private final Object lock = new Object();
    // Set before the last event of the report is sent: the end of stdin that follows is the
    // supervisor letting go, not the supervisor dying.
    private volatile boolean reported;

    EventPipe(OutputStream out) {
        this.out = out;
    }

    static ObjectNode event(String name) {
        return JsonNodeFactory.instance.objectNode().put(ChildProtocol.EVENT, name);
    }

    void send(ObjectNode message) {
        send(ChildJson.line(message));
    }

    private void send(byte[] line) {
        synchronized (lock) {
            try {
                out.write(line);
                out.flush();
            } catch (IOException e) {
                // the supervisor is gone; the orphan watch ends this JVM
            }
        }
    }

    /** Sends the report's last event: the supervisor stops reading after it and lets go of stdin. */
    void sendLast(ObjectNode message) {
        sendLast(ChildJson.line(message));
    }

    /** As {@link #sendLast(ObjectNode)}, for an event already written as a line. */
    void sendLast(byte[] line) {
        reported = true;
        send(line);
    }

    /** The last event of the report was sent. */
    boolean reported() {
        return reported;
    }
}
