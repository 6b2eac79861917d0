package io.taskfork.shared.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskfork.shared.testing.IsolatedEnvironment;
import java.sql.SQLException;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The statements every task takes bind by name, fail as jdbi's do, and keep a transaction whole. */
class PlainStatementIT {

    private static IsolatedEnvironment env;

    @BeforeAll
    static void open() {
        env = IsolatedEnvironment.create(PlainStatementIT.class);
        env.database().jdbi().useHandle(handle -> handle.execute("create table plain (id int primary key, v text)"));
    }

    @AfterAll
    static void close() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void aNameUsedTwiceAndANullAreBoundWhereverTheyStand() throws Exception {
        PlainStatement insert = PlainStatement.of("insert into plain values (:id, coalesce(:v, 'none') || :id::text)");
        assertThat(insert.bind("id", 1).bind("v", null).execute(env.database().dataSource())).isEqualTo(1);

        String v = PlainStatement.withConnection(env.database().dataSource(), connection ->
                PlainStatement.of("select v from plain where id = :id").bind("id", 1)
                        .findFirst(connection, (rows, context) -> rows.getString(1)).orElseThrow());
        assertThat(v).isEqualTo("none1");
    }

    @Test
    void aMissingValueOrAMisspeltNameIsNamedAndADatabaseErrorIsJdbisOwn() {
        assertThatThrownBy(() -> PlainStatement.of("update plain set v = :v where id = :id").bind("id", 1)
                .execute(env.database().dataSource()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":v");
        assertThatThrownBy(() -> PlainStatement.of("update plain set v = :v where id = :id").bind("id", 1)
                .bind("v", "x").bind("vv", "y").execute(env.database().dataSource()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":vv");
        assertThatThrownBy(() -> PlainStatement.of("update no_such_table set v = :v").bind("v", "x")
                .execute(env.database().dataSource()))
                .isInstanceOf(JdbiException.class).hasCauseInstanceOf(SQLException.class);
    }

    @Test
    void aTransactionThatThrowsLeavesNothingAndOneThatReturnsIsCommitted() {
        PlainStatement insert = PlainStatement.of("insert into plain values (:id, 'x') returning id");
        assertThatThrownBy(() -> PlainStatement.inTransaction(env.database().dataSource(), connection -> {
            insert.bind("id", 10).findFirst(connection, (rows, context) -> 1);
            throw new IllegalStateException("halfway");
        })).hasMessage("halfway");
        assertThatThrownBy(() -> PlainStatement.inTransaction(env.database().dataSource(), connection -> {
            insert.bind("id", 11).findFirst(connection, (rows, context) -> 1);
            return PlainStatement.of("select 1 / :zero").bind("zero", 0).findFirst(connection, (rows, context) -> 1);
        })).isInstanceOf(JdbiException.class).hasStackTraceContaining("division by zero");
        assertThat(count(10) + count(11)).isZero();

        PlainStatement.inTransaction(env.database().dataSource(), connection -> insert.bind("id", 12)
                .findFirst(connection, (rows, context) -> 1));
        assertThat(count(12)).isEqualTo(1);
    }

    private static int count(int id) {
        return env.database().jdbi().withHandle(handle -> handle
                .createQuery("select count(*) from plain where id = :id")
                .bind("id", id).mapTo(Integer.class).one());
    }
}
