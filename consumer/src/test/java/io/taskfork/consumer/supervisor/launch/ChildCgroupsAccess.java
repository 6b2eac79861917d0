package io.taskfork.consumer.supervisor.launch;

/** What tests of other packages may ask of the children's cgroups. */
public final class ChildCgroupsAccess {

    private ChildCgroupsAccess() {
    }

    /**
     * Whether this host offers the supervisor a memory cgroup it can make and enter cgroups in, as
     * at its start with a memory cap of {@code capBytes}.
     */
    public static boolean memoryLimitHere(long capBytes) {
        ChildCgroups cgroups = ChildCgroups.open(0, capBytes, Containment.childInit());
        cgroups.close();
        return cgroups.any();
    }
}
