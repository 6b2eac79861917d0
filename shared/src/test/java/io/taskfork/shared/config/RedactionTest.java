package io.taskfork.shared.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void theUserInfoPasswordOfAnAmqpUriIsHidden() {
        assertThat(Redaction.uri("amqp://worker:s3cret@broker:5672/%2F"))
                .isEqualTo("amqp://worker:****@broker:5672/%2F");
    }

    @Test
    void aPasswordIsHiddenEvenWhereTheUriHasNoHostOrCannotBeParsed() {
        assertThat(Redaction.uri("amqp://worker:s3cret@/%2F")).isEqualTo("amqp://worker:****@/%2F");
        assertThat(Redaction.uri("amqp://worker:s3cret@broker/a b")).isEqualTo("amqp://worker:****@broker/a b");
        assertThat(Redaction.uri("amqp://worker:p@ss@broker/%2F")).isEqualTo("amqp://worker:****@broker/%2F");
    }

    @Test
    void aUriWithoutAPasswordIsShownAsItIs() {
        assertThat(Redaction.uri("amqp://broker:5672/%2F")).isEqualTo("amqp://broker:5672/%2F");
        assertThat(Redaction.uri("amqp://worker@broker/%2F")).isEqualTo("amqp://worker@broker/%2F");
    }

    @Test
    void passwordParametersOfAJdbcUrlAreHidden() {
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://db/tasks?user=app&password=s3cret&sslpassword=k3y&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/tasks?user=app&password=****&sslpassword=****&ssl=true");
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://db/tasks?PASSWORD=s3cret"))
                .isEqualTo("jdbc:postgresql://db/tasks?PASSWORD=****");
    }

    @Test
    void aJdbcUrlWithoutAPasswordIsShownAsItIs() {
        assertThat(Redaction.jdbcUrl("jdbc:postgresql://localhost:5432/postgres?ApplicationName=x"))
                .isEqualTo("jdbc:postgresql://localhost:5432/postgres?ApplicationName=x");
    }
}
