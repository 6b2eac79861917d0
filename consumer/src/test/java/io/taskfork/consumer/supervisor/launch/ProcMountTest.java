package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which mount tables show a namespace's /proc as no task could have made it. */
class ProcMountTest {

    // A namespace's table as taskfork-child-init leaves it: the host's /proc copied (201, with what
    // the host masked inside it), the namespace's own proc on top of it (219).
    private static final String MADE = """
            199 198 254:0 / / rw,relatime - ext4 /dev/vda rw
            201 199 0:20 / /proc rw,relatime - proc proc rw
            202 201 0:50 /null /proc/kcore rw,nosuid master:7 - tmpfs tmpfs ro
            203 199 0:21 / /sys rw,relatime - sysfs sysfs rw
            219 201 0:46 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
            """;

    @Test
    void theNamespacesOwnProcOnTopOfTheHostsIsIntact() {
        assertThat(ProcMount.intact(MADE)).isTrue();
    }

    @Test
    void aFolderMountedOverItIsNot() {
        assertThat(ProcMount.intact(MADE + "230 219 254:0 /tmp/fake /proc rw,relatime - ext4 /dev/vda rw\n")).isFalse();
    }

    @Test
    void aMountInsideItIsNot() {
        assertThat(ProcMount.intact(MADE + "230 219 254:0 /tmp/fake /proc/2 rw,relatime - ext4 /dev/vda rw\n"))
                .isFalse();
    }

    @Test
    void aTmpfsOnTopIsNotThoughItsOptionalFieldsLookLikeAType() {
        assertThat(ProcMount.intact(MADE + "230 219 0:60 / /proc rw shared:4 - tmpfs proc rw\n")).isFalse();
    }

    @Test
    void aPartOfItMountedOverItIsNot() {
        assertThat(ProcMount.intact(MADE + "230 219 0:46 /1/task /proc rw,relatime - proc proc rw\n")).isFalse();
    }

    /**
     * A whole proc at /proc on a tmpfs mounted over /, which the first process's root does not see,
     * while the /proc a path from that root meets is a folder with a mount inside it.
     */
    @Test
    void aWholeProcWhereNoPathFromTheRootMeetsItCountsForNothing() {
        assertThat(ProcMount.intact(MADE
                + "230 219 254:0 /tmp/fake /proc rw,relatime - ext4 /dev/vda rw\n"
                + "231 230 0:62 / /proc/9 rw,relatime - tmpfs tmpfs rw\n"
                + "232 199 0:63 / / rw,relatime - tmpfs tmpfs rw\n"
                + "233 232 0:46 / /proc rw,relatime - proc proc rw\n")).isFalse();
    }

    @Test
    void twoMountsSideBySideAtProcAreNot() {
        assertThat(ProcMount.intact(MADE + "230 199 0:61 / /proc rw,relatime - proc proc rw\n")).isFalse();
    }

    @Test
    void noProcAtAllIsNot() {
        assertThat(ProcMount.intact("199 198 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
                + "201 199 0:20 / /proc2 rw,relatime - proc proc rw\n")).isFalse();
        assertThat(ProcMount.intact("")).isFalse();
    }

    @Test
    void aTableFoundIntactBeforeIsSparedOnlyWhileItIsTheSame(@TempDir Path folder) throws Exception {
        Path table = Files.writeString(folder.resolve("mountinfo"), MADE);
        byte[] intact = ProcMount.intactIn(table.toString(), null);
        assertThat(intact).isEqualTo(MADE.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(ProcMount.intactIn(table.toString(), intact)).isEqualTo(intact);

        Files.writeString(table, MADE + "230 219 254:0 /tmp/fake /proc rw,relatime - ext4 /dev/vda rw\n");
        assertThat(ProcMount.intactIn(table.toString(), intact)).isNull();
    }

    @Test
    void anUnreadableTableIsNot() {
        assertThat(ProcMount.intactIn("/proc/0/mountinfo", null)).isNull();
    }
}
