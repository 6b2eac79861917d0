package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The folder of this process's own cgroup of one controller (pids, memory), as {@code /proc/self/cgroup}
 * and {@code /proc/self/mountinfo} tell it: in a cgroup v1 hierarchy of the controller's, or in the
 * cgroup v2 one where the controller is enabled for the cgroups beneath this one (a delegated
 * cgroup). In v2 every controller has the same folder, and a process is in one cgroup of it.
 */
record OwnCgroup(Path folder, boolean v2) {

    /**
     * Lets the cgroups made beneath {@code made}, a cgroup made beneath this one, have the limits of
     * {@code controllers}: in cgroup v2 a cgroup's subtree_control enables a controller for its
     * children. Nothing in v1.
     */
    void enableBeneath(Path made, Collection<String> controllers) throws IOException {
        if (v2 && !controllers.isEmpty()) {
            Files.writeString(made.resolve("cgroup.subtree_control"),
                    controllers.stream().map(controller -> "+" + controller).collect(Collectors.joining(" ")));
        }
    }

    /**
     * Empty when the host has no {@code controller} this process can make cgroups under, as far as
     * can be read.
     */
    static Optional<OwnCgroup> ofThisProcess(String controller) {
        try {
            return find(controller, Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8),
                    Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** As {@link #ofThisProcess}, from the lines of those two files. */
    static Optional<OwnCgroup> find(String controller, List<String> cgroups, List<String> mounts) {
        for (String line : cgroups) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && !parts[0].equals("0")
                    && Arrays.asList(parts[1].split(",")).contains(controller)) {
                Optional<Path> v1 = under(mounts, "cgroup", controller, parts[2]);
                if (v1.isPresent()) {
                    return Optional.of(new OwnCgroup(v1.get(), false));
                }
            }
        }
        for (String line : cgroups) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && parts[0].equals("0") && parts[1].isEmpty()) {
                Optional<Path> v2 = under(mounts, "cgroup2", null, parts[2])
                        .filter(folder -> delegates(folder, controller));
                if (v2.isPresent()) {
                    return Optional.of(new OwnCgroup(v2.get(), true));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Where {@code path}, a cgroup of the hierarchy mounted as {@code type} with {@code option} among
     * its options (any for none), is seen: the mount point, with the path below the mount's own root.
     */
    private static Optional<Path> under(List<String> mounts, String type, String option, String path) {
        for (String mount : mounts) {
            // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS
            int dash = mount.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = mount.substring(0, dash).split(" ");
            String[] after = mount.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3 || !after[0].equals(type)
                    || option != null && !Arrays.asList(after[2].split(",")).contains(option)) {
                continue;
            }
            String root = unescape(before[3]);
            // a cgroup outside the namespace's root shows as /.. and names no folder of this mount
            if (!(path + "/").startsWith(root.equals("/") ? "/" : root + "/") || List.of(path.split("/")).contains("..")) {
                continue;
            }
            Path folder = Path.of(unescape(before[4]), path.substring(root.equals("/") ? 0 : root.length()));
            // a cgroup's folder, not a folder of the file system the hierarchies are mounted in
            if (Files.exists(folder.resolve("cgroup.procs"))) {
                return Optional.of(folder.normalize());
            }
        }
        return Optional.empty();
    }

    /**
     * In cgroup v2, whether {@code controller} reaches the cgroups made under this one, as a manager
     * that delegates a cgroup enables it; the supervisor enables nothing in the host's hierarchy.
     */
    private static boolean delegates(Path folder, String controller) {
        try {
            return List.of(Files.readString(folder.resolve("cgroup.subtree_control")).trim().split("\\s+"))
                    .contains(controller);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // mountinfo writes a space, a tab, a newline and a backslash as octal escapes
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
