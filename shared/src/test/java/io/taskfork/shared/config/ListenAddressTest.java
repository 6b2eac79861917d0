package io.taskfork.shared.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

    @Test
    void anAddressThatIsNotThisHostsOrCannotBeResolvedIsAProblemNamingTheSetting() {
        assertThat(ListenAddress.problem("TASKFORK_HTTP_BIND", "")).isEmpty();
        assertThat(ListenAddress.problem("TASKFORK_HTTP_BIND", "127.0.0.1")).isEmpty();
        assertThat(ListenAddress.problem("TASKFORK_HTTP_BIND", "127.0.0.2")).isEmpty();
        assertThat(ListenAddress.problem("TASKFORK_HTTP_BIND", "0.0.0.0")).isEmpty();
        assertThat(ListenAddress.problem("TASKFORK_HTTP_BIND", "::")).isEmpty();
        assertThat(ListenAddress.problem("TASKFORK_HTTP_BIND", "localhost")).isEmpty();
        assertThat(ListenAddress.problem("TASKFORK_HTTP_BIND", "10.255.255.1"))
                .contains("TASKFORK_HTTP_BIND 10.255.255.1 is not an address of this host");
        assertThat(ListenAddress.problem("TASKFORK_METRICS_BIND", "nosuchhost.invalid"))
                .contains("cannot resolve TASKFORK_METRICS_BIND nosuchhost.invalid");
    }
}
