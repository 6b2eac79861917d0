package io.taskfork.consumer.supervisor;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The name a supervisor writes in the {@code worker} column of the rows it runs: host/pid. */
final class WorkerName {

    private WorkerName() {
    }

    static String identity() {
        return host() + "/" + ProcessHandle.current().pid();
    }

    static String host() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
