package io.taskfork.consumer.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkDirOwnerTest {

    private static final WorkDirOwner MINE = new WorkDirOwner("taskfork", "app");

    @TempDir
    Path temp;

    @Test
    void theFirstSupervisorTakesTheFolderAndThoseOfItsSchemaShareIt() throws Exception {
        Path root = temp.resolve("work");

        MINE.claim(root);
        new WorkDirOwner("taskfork", "app").claim(root);

        assertThat(root.resolve(".taskfork-owner")).content().contains("schema=taskfork\ndatabase=app\n");
        try (var entries = Files.list(root)) {
            assertThat(entries).as("nothing but the owner's file").hasSize(1);
        }
    }

    /** One schema name in two databases is two schemas: their task IDs overlap as well. */
    @Test
    void aSupervisorOfAnotherSchemaOrDatabaseIsRefusedNamingTheOwner() throws Exception {
        MINE.claim(temp);

        for (WorkDirOwner other : List.of(new WorkDirOwner("bench_1", "app"),
                new WorkDirOwner("taskfork", "staging"))) {
            assertThatThrownBy(() -> other.claim(temp)).isInstanceOf(WorkDirTakenException.class)
                    .hasMessageStartingWith("TASKFORK_WORK_DIR=" + temp + " is the work folder of schema taskfork"
                            + " of database app, and this supervisor's is " + other + ";")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void ofTwoSchemasTakingANewFolderAtOnceOneHasIt() throws Exception {
        // a thread each: the common pool may have one, and the first claim would wait for the second forever
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            claimAtOnce(threads);
        } finally {
            threads.shutdownNow();
        }
    }

    private void claimAtOnce(ExecutorService threads) {
        for (int round = 0; round < 20; round++) {
            Path root = temp.resolve("round-" + round);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> claims = new ArrayList<>();
            for (String schema : List.of("one", "two")) {
                claims.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        new WorkDirOwner(schema, "app").claim(root);
                        return true;
                    } catch (WorkDirTakenException refused) {
                        return false;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, threads));
            }
            go.countDown();

            assertThat(claims.stream().map(CompletableFuture::join)).containsExactlyInAnyOrder(true, false);
        }
    }
}
