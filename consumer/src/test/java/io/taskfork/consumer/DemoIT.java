package io.taskfork.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskfork.producer.cli.ProducerMain;
import io.taskfork.shared.testing.IsolatedEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ops/taskfork demo} as a user runs it, against the packaged consumer jar. */
class DemoIT {

    private static IsolatedEnvironment environment;

    @BeforeAll
    static void createEnvironment() {
        environment = IsolatedEnvironment.create(DemoIT.class);
    }

    @AfterAll
    static void dropEnvironment() throws Exception {
        environment.close();
    }

    @Test
    void demoRunsEveryKindOfTaskToItsExpectedEndAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = ProducerMain.run(new String[] {"demo", "--consumer-jar", "target/taskfork-consumer.jar",
                "--queue", environment.queues().main(), "--db-schema", environment.settings().db().schema()},
                environment.environment(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String output = out.toString(StandardCharsets.UTF_8);
        // the log the demo keeps for its user, and names: no user reads this one
        Matcher log = Pattern.compile("its log is (\\S+\\.log)").matcher(output);
        if (log.find()) {
            Path.of(log.group(1)).toFile().delete();
        }
        assertThat(code).as(output + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(output)
                .contains("16/16 done")
                .contains("dead-letter queue: 9 messages (expected 9)")
                .containsPattern("echo +\\{\"late\":true\\} +expired +- +- +- +- +- +ok")
                .containsPattern("echo +\\{\"later\":true\\} +succeeded +- +0 ")
                .containsPattern("crash +\\{\"mb\":2048,\"mode\":\"leak\"\\} +crashed +memory +137 .* ok +killed (with its process tree|by the kernel)")
                .containsPattern("echo +\\{\"hello\":\"world\"\\} +succeeded +- +0 +\\d+ms +\\d+\\.\\d\\ds +\\d+MiB")
                .contains("supervisor exited with code 0")
                .contains("demo passed")
                .doesNotContain("expected crashed").doesNotContain("expected failed").doesNotContain("expected succeeded");
    }
}
