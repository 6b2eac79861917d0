package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The size, modification time and file key of each jar on the handler path, as they are now. A
 * standby child opened the jars as they were when it started; one started before a jar changed
 * would run the old handler (README: "a changed jar is used by the next task").
 *
 * <p>Folders are not looked into: telling a changed class file in a tree would cost a walk of the
 * tree for every task.
 */
record HandlerPathStamp(List<String> entries) {

    static HandlerPathStamp of(List<Path> handlerPath) {
        List<String> entries = new ArrayList<>(handlerPath.size());
        for (Path entry : handlerPath) {
            entries.add(describe(entry));
        }
        return new HandlerPathStamp(List.copyOf(entries));
    }

    // The file key (device and inode) tells a jar renamed over the old one even in the same second
    // and of the same size.
    private static String describe(Path entry) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                return entry + " (folder)";
            }
            return identity(entry, attributes);
        } catch (IOException e) {
            return entry + " (unreadable)";
        }
    }

    /**
     * A file as a change to it shows: its path, size, modification time (to the nanosecond where the
     * file system keeps it) and file key (device and inode). The children's archive is named by the
     * same, so that what makes a standby child stale also gives the archive another name.
     */
    static String identity(Path entry, BasicFileAttributes attributes) {
        return entry + " " + attributes.size() + " " + attributes.lastModifiedTime() + " " + attributes.fileKey();
    }
}
