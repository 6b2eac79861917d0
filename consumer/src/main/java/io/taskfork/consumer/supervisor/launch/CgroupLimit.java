package io.taskfork.consumer.supervisor.launch;

import java.util.Map;

/** A limit that a cgroup of each child's own holds its task to. */
interface CgroupLimit {

    /** The controller whose cgroups hold it: {@code pids}, {@code memory}. */
    String controller();

    /** The variable that tells {@code taskfork-child-init} the folder of the cgroup to enter. */
    String variable();

    /** The files written into a child's cgroup beneath {@code own}, in order, with their contents. */
    Map<String, String> files(OwnCgroup own);

    /** What the start's line calls it: {@code process limit}. */
    String name();

    /** How much it allows, for the start's line. */
    String amount();

    /** The setting it comes from, which the start's lines name. */
    String setting();
}
