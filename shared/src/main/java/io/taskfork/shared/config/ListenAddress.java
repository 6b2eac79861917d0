package io.taskfork.shared.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether an address a server is to listen on is one of this host's. Asked before the start, so that
 * a mistyped address is a bad setting (exit 2), not a bind that fails later for a reason that reads
 * like another one, such as a port that is taken.
 */
public final class ListenAddress {

    private ListenAddress() {
    }

    /**
     * Why {@code bind} cannot be listened on, in one line that names it by {@code source} (the
     * variable, or the flag and the variable, that gave it); empty when it can be, or is empty
     * (every interface).
     */
    public static Optional<String> problem(String source, String bind) {
        if (bind.isEmpty()) {
            return Optional.empty();
        }
        try {
            InetAddress address = InetAddress.getByName(bind);
            // any of 127.0.0.0/8 can be listened on, though only 127.0.0.1 is an interface's
            if (!address.isAnyLocalAddress() && !address.isLoopbackAddress()
                    && NetworkInterface.getByInetAddress(address) == null) {
                return Optional.of(source + " " + bind + " is not an address of this host");
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("cannot resolve " + source + " " + bind);
        } catch (SocketException e) {
            return Optional.of("cannot read this host's addresses for " + source + " " + bind + ": "
                    + e.getMessage());
        }
    }
}
