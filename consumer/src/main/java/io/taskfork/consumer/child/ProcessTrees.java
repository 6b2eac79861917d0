package io.taskfork.consumer.child;

import java.util.List;

/** Kills a process together with everything it started. */
final class ProcessTrees {

    private ProcessTrees() {
    }

    /**
     * SIGKILLs the descendants, then the process. Descendants are listed before the parent dies,
     * because once it is gone they are re-parented and no longer found as its descendants.
     */
    static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
