package io.taskfork.consumer.supervisor;

import io.taskfork.shared.config.WorkSettings;
import io.taskfork.shared.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The schema whose tasks work in TASKFORK_WORK_DIR, as the file {@value #FILE} in it says: the first
 * supervisor to start there writes it, and one of any other schema refuses to start. Task IDs are
 * unique within a schema only, so a supervisor of another schema would take the folders of this
 * one's running tasks for those of its own ended tasks, and remove them.
 *
 * <p>A schema is told apart by its name and its database's name: not by the JDBC URL, which names one
 * database in many ways (localhost or 127.0.0.1, a replica promoted after a failover) and two alike
 * (one host name in two networks). Not by the cluster's system identifier either, which a restore
 * or an upgrade to a new cluster changes under the same installation, and which a role may not read.
 */
record WorkDirOwner(String schema, String database) {

    static final String FILE = WorkSettings.OWNER_FILE;
    private static final AtomicLong WRITES = new AtomicLong();

    /** The owner the supervisor of {@code database} is. */
    static WorkDirOwner of(Database database) {
        String name = database.jdbi().withHandle(handle -> handle.createQuery("select current_database()")
                .mapTo(String.class).one());
        return new WorkDirOwner(database.schema(), name);
    }

    /**
     * Takes {@code root} for this owner where no owner is written in it yet, as in a new folder.
     *
     * @throws WorkDirTakenException when {@code root} is another owner's
     */
    void claim(Path root) throws IOException {
        Path file = root.resolve(FILE);
        if (!Files.exists(file)) {
            Files.createDirectories(root);
            write(file);
        }
        WorkDirOwner found = read(file);
        if (!equals(found)) {
            throw new WorkDirTakenException(root, found, this);
        }
    }

    /**
     * Writes the file whole under another name, then links it in: a supervisor starting at the same
     * moment reads it whole or not at all, and of two writing at once one wins.
     */
    private void write(Path file) throws IOException {
        Path written = file.resolveSibling(FILE + "-" + ProcessHandle.current().pid() + "-" + WRITES.incrementAndGet());
        Files.writeString(written, "# The taskfork schema whose tasks work in this folder;"
                + " a supervisor of any other refuses to start here (see TASKFORK_WORK_DIR).\n"
                + "schema=" + schema + "\ndatabase=" + database + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            Files.createLink(file, written);
        } catch (FileAlreadyExistsException raced) {
            // another supervisor wrote it first: read as it is
        } catch (UnsupportedOperationException | FileSystemException noLinks) {
            // a file system without hard links: a rename, which a writer at the same moment could undo
            if (!Files.exists(file)) {
                Files.move(written, file);
            }
        } finally {
            Files.deleteIfExists(written);
        }
    }

    private static WorkDirOwner read(Path file) throws IOException {
        Map<String, String> fields = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0) {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return new WorkDirOwner(fields.getOrDefault("schema", "?"), fields.getOrDefault("database", "?"));
    }

    @Override
    public String toString() {
        return "schema " + schema + " of database " + database;
    }
}
