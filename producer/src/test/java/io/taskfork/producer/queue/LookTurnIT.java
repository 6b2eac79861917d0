package io.taskfork.producer.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.shared.testing.IsolatedEnvironment;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Looks of one process, as a burst of requests to serve makes them, wait for their turn without a session each. */
class LookTurnIT {

    private static final int WAITING = 12;

    private static IsolatedEnvironment env;

    @BeforeAll
    static void start() {
        env = IsolatedEnvironment.create(LookTurnIT.class);
    }

    @AfterAll
    static void stop() throws Exception {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void looksWaitingInOneProcessHoldOneDatabaseSessionAndEachGetsItsTurn() throws Exception {
        String queue = env.queues().main();
        ExecutorService threads = Executors.newFixedThreadPool(WAITING);
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<CompletableFuture<Void>> looks = new ArrayList<>();
        try {
            try (LookTurn held = LookTurn.take(env.database(), queue)) {
                for (int i = 0; i < WAITING; i++) {
                    looks.add(CompletableFuture.runAsync(() -> {
                        try (LookTurn turn = LookTurn.take(env.database(), queue)) {
                            most.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
                            atOnce.decrementAndGet();
                        }
                    }, threads));
                }
                Instant settled = Instant.now().plus(Duration.ofSeconds(2));
                while (Instant.now().isBefore(settled)) {
                    assertThat(sessions(queue)).as("sessions of looks at " + queue).isEqualTo(1);
                    Thread.sleep(100);
                }
                assertThat(looks).noneMatch(CompletableFuture::isDone);
            }
            CompletableFuture.allOf(looks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(most).as("looks under way at once").hasValue(1);
            // a closed session leaves the server's list a moment after the close
            Instant gone = Instant.now().plus(Duration.ofSeconds(5));
            while (sessions(queue) > 0 && Instant.now().isBefore(gone)) {
                Thread.sleep(50);
            }
            assertThat(sessions(queue)).isZero();
        } finally {
            threads.shutdownNow();
        }
    }

    /** Another process's look (another host's, say) holds the database's lock: a look here waits for it. */
    @Test
    void aLookWaitsForOneThatAnotherProcessHolds() throws Exception {
        String queue = env.queues().main();
        try (Connection other = DriverManager.getConnection(env.settings().db().jdbcUrl(), env.settings().db().user(),
                env.settings().db().password());
                PreparedStatement lock = other.prepareStatement("select pg_advisory_lock(hashtext(?))")) {
            lock.setString(1, "taskfork look at " + env.database().schema() + "/" + queue);
            lock.execute();
            CompletableFuture<Void> look = CompletableFuture.runAsync(
                    () -> LookTurn.take(env.database(), queue).close());
            Thread.sleep(1_500);
            assertThat(look).as("waiting while the other process holds the lock").isNotDone();
            other.close();
            look.get(10, TimeUnit.SECONDS);
        }
    }

    private static int sessions(String queue) {
        return env.database().jdbi().withHandle(handle -> handle
                .createQuery("select count(*) from pg_stat_activity where application_name = :name")
                .bind("name", "taskfork look at " + queue).mapTo(Integer.class).one());
    }
}
