package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewerJdkTest {

    @TempDir
    Path jvms;

    @Test
    void findsTheNewestRunnableJdkBesideItsOwn() throws IOException {
        Path own = jdk("java-17", "17.0.15", true);
        jdk("jdk-21", "21.0.2", true);
        Path newest = jdk("temurin-25", "25.0.3", true);
        jdk("jdk-26-broken", "26", false);

        assertThat(NewerJdk.newestBeside(own, 17)).contains(newest);
        assertThat(NewerJdk.feature(newest)).contains(25);
    }

    @Test
    void findsNothingWhenNoneIsNewerThanTheChildren() throws IOException {
        Path own = jdk("java-17", "17.0.15", true);
        jdk("jdk-11", "11.0.2", true);

        assertThat(NewerJdk.newestBeside(own, 17)).isEmpty();
        assertThat(NewerJdk.newestBeside(jdk("temurin-25", "25", true), 25)).isEmpty();
    }

    @Test
    void aFolderWithoutAReleaseFileIsNoJdk() throws IOException {
        Path own = jdk("java-17", "17.0.15", true);
        Files.createDirectories(jvms.resolve("not-a-jdk").resolve("bin"));

        assertThat(NewerJdk.newestBeside(own, 17)).isEmpty();
        assertThat(NewerJdk.feature(jvms.resolve("not-a-jdk"))).isEmpty();
    }

    private Path jdk(String name, String version, boolean runnable) throws IOException {
        Path home = Files.createDirectories(jvms.resolve(name).resolve("bin")).getParent();
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        if (runnable) {
            Files.writeString(home.resolve("bin").resolve("java"), "#!/bin/sh\n");
            Files.setPosixFilePermissions(home.resolve("bin").resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }
}
