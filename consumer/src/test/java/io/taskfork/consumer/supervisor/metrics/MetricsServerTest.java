package io.taskfork.consumer.supervisor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Where /metrics and /healthz listen: every interface, or the one address TASKFORK_METRICS_BIND names. */
class MetricsServerTest {

    private static final int CONNECT_WITHIN_MILLIS = 2_000;

    @Test
    void boundToLoopbackItAnswersThereAndNotOnTheHostsOtherAddresses() throws IOException {
        InetAddress other = nonLoopbackAddress();
        try (MetricsServer server = start("127.0.0.1")) {
            assertThat(answers(InetAddress.getLoopbackAddress(), server.port())).isTrue();
            assertThatThrownBy(() -> answers(other, server.port())).as(other.toString())
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void byDefaultItAnswersOnEveryInterface() throws IOException {
        InetAddress other = nonLoopbackAddress();
        try (MetricsServer server = start("")) {
            assertThat(answers(InetAddress.getLoopbackAddress(), server.port())).isTrue();
            assertThat(answers(other, server.port())).as(other.toString()).isTrue();
        }
    }

    @Test
    void anAddressThatIsNotThisHostsOrCannotBeResolvedIsAProblemInOneLine() {
        assertThat(MetricsServer.problem("")).isEmpty();
        assertThat(MetricsServer.problem("127.0.0.1")).isEmpty();
        assertThat(MetricsServer.problem("0.0.0.0")).isEmpty();
        assertThat(MetricsServer.problem("127.0.0.2")).isEmpty();
        assertThat(MetricsServer.problem("203.0.113.7"))
                .contains("TASKFORK_METRICS_BIND 203.0.113.7 is not an address of this host");
        assertThat(MetricsServer.problem("no-such-host.invalid"))
                .contains("cannot resolve TASKFORK_METRICS_BIND no-such-host.invalid");
    }

    private static MetricsServer start(String bind) throws IOException {
        return MetricsServer.start(bind, 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> null);
    }

    private static boolean answers(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), CONNECT_WITHIN_MILLIS);
            return socket.isConnected();
        }
    }

    /** An IPv4 address of this host's that is not a loopback one: what a scrape from elsewhere reaches. */
    private static InetAddress nonLoopbackAddress() throws SocketException {
        for (NetworkInterface face : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (face.isUp() && !face.isLoopback()) {
                for (InetAddress address : Collections.list(face.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address;
                    }
                }
            }
        }
        throw new AssertionError("this test needs an IPv4 address on this host besides a loopback one");
    }
}
