package io.taskfork.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmqpUrisTest {

    private static final String CLUSTER = "amqp://worker:s3cret@node1:5672/%2F,"
            + " amqp://worker:s3cret@node2:5673/%2F ,amqp://worker:s3cret@node3/%2F";

    @Test
    void oneUriIsAListOfOne() {
        AmqpUris uris = AmqpUris.parse("amqp://guest:guest@localhost:5672/%2F");

        assertThat(uris.all()).containsExactly(URI.create("amqp://guest:guest@localhost:5672/%2F"));
        assertThat(uris.text()).isEqualTo("amqp://guest:guest@localhost:5672/%2F");
    }

    @Test
    void commaSeparatedUrisAreEveryNodeInTheOrderGiven() {
        AmqpUris uris = AmqpUris.parse(CLUSTER);

        assertThat(uris.all()).extracting(URI::getHost).containsExactly("node1", "node2", "node3");
        assertThat(uris.all()).extracting(AmqpUris::port).containsExactly(5672, 5673, 5672);
        assertThat(uris.first()).isEqualTo(URI.create("amqp://worker:s3cret@node1:5672/%2F"));
        assertThat(uris.text()).as("handed on as given").isEqualTo(CLUSTER);
    }

    @Test
    void portDefaultsToTheSchemesPort() {
        assertThat(AmqpUris.port(URI.create("amqp://h"))).isEqualTo(5672);
        assertThat(AmqpUris.port(URI.create("amqps://h"))).isEqualTo(5671);
    }

    @Test
    void commaInAPasswordIsPartOfTheUri() {
        AmqpUris uris = AmqpUris.parse("amqp://u:pa,ss@h1/v,amqp://u:pa,ss@h2/v");

        assertThat(uris.all()).extracting(URI::getHost).containsExactly("h1", "h2");
        assertThat(uris.all()).extracting(URI::getUserInfo).containsOnly("u:pa,ss");
    }

    @Test
    void vhostSpelledDifferentlyButTheSameIsAccepted() {
        assertThat(AmqpUris.parse("amqp://h1,amqp://h2/%2F").all()).hasSize(2);
        assertThat(AmqpUris.parse("amqp://u:p%41@h1/v,amqp://u:pA@h2/v").all()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "amqp://u:p@h1/a,amqp://u:p@h2/b        | URI 2 names another virtual host than URI 1",
        "amqp://u:p@h1/a,amqp://v:p@h2/a        | URI 2 has another user or password than URI 1",
        "amqp://u:p@h1/a,amqp://u:q@h2/a        | URI 2 has another user or password than URI 1",
        "amqp://h1,amqp://u:p@h2                | URI 2 has another user or password than URI 1",
        "amqp://h1,amqps://h2                   | URI 2 mixes amqp:// and amqps:// with URI 1",
        "amqp://h1?heartbeat=5,amqp://h2        | URI 2 has other options (?...) than URI 1",
        "amqp://h1:5672,amqp://H1               | URI 2 names H1:5672 again",
        "amqp://h1,http://h2                    | URI 2 is not an amqp:// or amqps:// URI",
        "amqp://h1,amqp://h2:99999              | URI 2 has port 99999",
        "amqp://h1,amqp:///%2F                  | URI 2 has no host",
        "amqp://u:p@h1:5672,h2:5673/%2F         | expected one whole URI per node, separated by commas",
        "',amqp://h1'                           | URI 1 is empty",
        "amqp://h1,amqp://h2 x                  | URI 2 is not a URI",
        "amqp://h/a/b                           | the URI has more than one path segment",
        "amqp://u:p:q@h                         | the URI has more than one ':' in its user info",
        "amqp://h?heartbeat=soon                | the URI is refused by the AMQP client",
        "amqp://h?hearbeat=30                   | the URI is refused by the AMQP client: it has no option \"hearbeat\"",
        "http://h                               | the URI is not an amqp:// or amqps:// URI",
    })
    void listThatCannotServeEveryNodeAlikeIsRefusedSayingWhy(String text, String reason) {
        assertThatThrownBy(() -> AmqpUris.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(reason);
    }

    @Test
    void refusalOfAListNeverShowsItsPasswordsAndNamesTheVariable() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_AMQP_URI",
                        "amqp://u:hidden-1@h1/a,amqp://u:hidden-2@h2/b"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid TASKFORK_AMQP_URI \"amqp://u:****@h1/a,amqp://u:****@h2/b\": URI 2")
                .hasMessageNotContaining("hidden-")
                .hasMessageNotContaining("\n");
    }

    @Test
    void refusalOfTheOtherListFormNeverShowsItsPassword() {
        assertThatThrownBy(() -> Settings.load(Map.of("TASKFORK_AMQP_URI", "amqp://u:hidden-3@h1:5672,h2:5673/%2F"),
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("hidden-3");
    }

    @Test
    void refusedUserInfoNeverShowsThePassword() {
        assertThatThrownBy(() -> AmqpUris.parse("amqp://u:hidden:4@h"))
                .hasMessageNotContaining("hidden");
    }

    @Test
    void settingsShowEveryNodeWithItsPasswordHidden() {
        Settings settings = Settings.load(Map.of("TASKFORK_AMQP_URI", CLUSTER), Map.of());

        assertThat(settings.amqp().toString())
                .contains("amqp://worker:****@node1:5672/%2F,amqp://worker:****@node2:5673/%2F,"
                        + "amqp://worker:****@node3/%2F")
                .doesNotContain("s3cret");
        assertThat(settings.amqp().uri()).isEqualTo(CLUSTER);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "amqp://u:secret@h:5672/%2F                 | amqp://u:****@h:5672/%2F",
        "amqp://u:a@h1/v,amqp://u:b@h2/v            | amqp://u:****@h1/v,amqp://u:****@h2/v",
        "amqp://u:pa,ss@h/v                         | amqp://u:****@h/v",
        "amqp://u:p@ss@h/v                          | amqp://u:****@h/v",
        "amqp://u:pa/ss@h/v                         | amqp://u:****@h/v",
        "amqp://u:p@h/v@x                           | amqp://u:****@h/v@x",
        "u:secret@h                                 | u:****@h",
        "amqp://h/v@x                               | amqp://h/v@x",
        "amqp://guest@h                             | amqp://guest@h",
        "amqp://u:secret@h1:5672,h2:5673/%2F        | amqp://u:****@h1:5672,h2:5673/%2F",
    })
    void redactionHidesEveryPasswordEvenInABrokenValue(String value, String shown) {
        assertThat(Redaction.uri(value)).isEqualTo(shown);
    }
}
