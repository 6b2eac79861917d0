package io.taskfork.consumer.supervisor.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the cgroup of a process is, for one controller, from its /proc/self/cgroup and /proc/self/mountinfo lines. */
class OwnCgroupTest {

    @TempDir
    Path root;

    @Test
    void aCgroupV1HierarchyOfPidsGivesItsMountPointWithTheProcesssPath() throws Exception {
        Path mount = Files.createDirectories(root.resolve("pids"));
        cgroup(mount.resolve("system.slice/app.service"));

        assertThat(OwnCgroup.find("pids", List.of("9:name=systemd:/", "8:pids:/system.slice/app.service", "0::/"),
                List.of("36 25 0:31 / " + mount + " rw,relatime shared:9 - cgroup cgroup rw,pids")))
                .contains(new OwnCgroup(mount.resolve("system.slice/app.service"), false));
    }

    @Test
    void aMountOfPartOfTheHierarchyIsReadFromItsOwnRoot() throws Exception {
        // as a container sees its own cgroup mounted at the hierarchy's mount point
        Path mount = cgroup(root.resolve("pids"));

        assertThat(OwnCgroup.find("pids", List.of("8:pids:/docker/abc"),
                List.of("36 25 0:31 /docker/abc " + mount + " rw - cgroup cgroup rw,pids")))
                .contains(new OwnCgroup(mount, false));
    }

    @Test
    void cgroupV2CountsOnlyWhereThePidsControllerIsEnabledBeneathIt() throws Exception {
        Path mount = Files.createDirectories(root.resolve("unified"));
        Path own = cgroup(mount.resolve("user.slice/taskfork"));
        List<String> mounts = List.of("30 25 0:26 / " + mount + " rw - cgroup2 cgroup2 rw");
        Files.writeString(own.resolve("cgroup.subtree_control"), "cpu memory\n");

        assertThat(OwnCgroup.find("pids", List.of("0::/user.slice/taskfork"), mounts)).isEmpty();

        Files.writeString(own.resolve("cgroup.subtree_control"), "cpu memory pids\n");
        assertThat(OwnCgroup.find("pids", List.of("0::/user.slice/taskfork"), mounts)).contains(new OwnCgroup(own, true));
    }

    @Test
    void aCgroupOutsideTheNamespacesRootOrAFolderThatIsNoCgroupIsNone() throws Exception {
        Path mount = cgroup(root.resolve("pids"));
        Files.createDirectories(mount.resolve("plain"));
        List<String> mounts = List.of("36 25 0:31 / " + mount + " rw - cgroup cgroup rw,pids");

        assertThat(OwnCgroup.find("pids", List.of("8:pids:/.."), mounts)).isEmpty();
        assertThat(OwnCgroup.find("pids", List.of("8:pids:/plain"), mounts)).isEmpty();
    }

    /** A folder as a cgroup's looks: with a cgroup.procs. */
    private static Path cgroup(Path folder) throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("cgroup.procs"), "");
        return folder;
    }

    @Test
    void eachControllerOfCgroupV1HasItsOwnHierarchyAndOfV2TheSameFolderWhereBothAreEnabled() throws Exception {
        Path pids = cgroup(root.resolve("pids/app"));
        Path memory = cgroup(root.resolve("memory/app"));
        List<String> v1 = List.of("36 25 0:31 / " + root.resolve("pids") + " rw - cgroup cgroup rw,pids",
                "37 25 0:32 / " + root.resolve("memory") + " rw - cgroup cgroup rw,memory");
        List<String> cgroups = List.of("8:pids:/app", "4:memory:/app", "0::/");

        assertThat(OwnCgroup.find("pids", cgroups, v1)).contains(new OwnCgroup(pids, false));
        assertThat(OwnCgroup.find("memory", cgroups, v1)).contains(new OwnCgroup(memory, false));

        Path own = cgroup(root.resolve("unified/app"));
        List<String> v2 = List.of("30 25 0:26 / " + root.resolve("unified") + " rw - cgroup2 cgroup2 rw");
        Files.writeString(own.resolve("cgroup.subtree_control"), "memory pids\n");
        assertThat(OwnCgroup.find("pids", List.of("0::/app"), v2)).contains(new OwnCgroup(own, true));
        assertThat(OwnCgroup.find("memory", List.of("0::/app"), v2)).contains(new OwnCgroup(own, true));
    }

    @Test
    void noPidsControllerMountedIsNone() throws Exception {
        Path memory = Files.createDirectories(root.resolve("memory"));

        assertThat(OwnCgroup.find("pids", List.of("8:pids:/", "4:memory:/"),
                List.of("36 25 0:31 / " + memory + " rw - cgroup cgroup rw,memory"))).isEmpty();
    }
}
