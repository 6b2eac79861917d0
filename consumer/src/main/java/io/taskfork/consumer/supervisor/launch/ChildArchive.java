package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data-sharing archive of the classes a child loads, so that a child maps them from one file
 * instead of finding, reading and verifying each: AppCDS on JDK 17 to 24
 * ({@code -XX:ArchiveClassesAtExit} to write, {@code -XX:SharedArchiveFile} to use), the AOT cache on
 * JDK 25 and later ({@code -XX:AOTCacheOutput}, {@code -XX:AOTCache}).
 *
 * <p>The archive is named by a digest of the child's java and of each classpath entry's path, size,
 * modification time and file key (device and inode), so a changed classpath or JDK gets a new
 * archive, a jar renamed over the old one included, whatever its size and time. A child started without
 * one works all the same, only slower; the JVM itself also ignores an archive that no longer matches.
 */
final class ChildArchive {

    private static final Logger LOG = LoggerFactory.getLogger(ChildArchive.class);
    private static final int AOT_CACHE_SINCE = 25;
    // The JVM reports a stale or unusable archive on stdout, which is the task's log: it says nothing there.
    private static final String QUIET = "-Xlog:cds*=off";
    private static final String QUIET_AOT = "-Xlog:cds*=off,aot*=off";
    static final Duration DRAFT_LEFT_AFTER = Duration.ofHours(1);
    // A JDK 25 child that maps an AOT cache replays the profiles of its training run, and looks for
    // them as it links and initializes each class, with or without any in the cache: about 3 ms of
    // a child's CPU, for the profiles of a rehearsed echo task, which help no task of a user's
    // (README: "What a JDK 25 child costs beyond its floor"). The flags are diagnostic ones of that
    // release; a later JDK keeps its defaults until it is measured.
    private static final int TRAINING_FLAGS_IN = 25;
    private static final String DIAGNOSTIC = "-XX:+UnlockDiagnosticVMOptions";

    private final Path file;
    private final boolean aotCache;
    private final boolean trainingOff;

    private ChildArchive(Path file, boolean aotCache, boolean trainingOff) {
        this.file = file;
        this.aotCache = aotCache;
        this.trainingOff = trainingOff;
    }

    /**
     * The archive for children run by {@code java} with {@code classpath}, kept in {@code cacheDir};
     * empty when the JDK's version or an entry of the classpath cannot be read.
     */
    static Optional<ChildArchive> forChildren(Path java, List<String> classpath, Path cacheDir) {
        Optional<Integer> feature = featureVersion(java);
        if (feature.isEmpty()) {
            LOG.warn("children start without a class-data-sharing archive: cannot read the version of {}", java);
            return Optional.empty();
        }
        boolean aotCache = feature.get() >= AOT_CACHE_SINCE;
        Optional<String> digest = digest(java, classpath);
        if (digest.isEmpty()) {
            LOG.warn("children start without a class-data-sharing archive: an entry of their classpath cannot be read");
        }
        return digest.map(name -> new ChildArchive(cacheDir.resolve("child-" + name + (aotCache ? ".aot" : ".jsa")),
                aotCache, feature.get() == TRAINING_FLAGS_IN));
    }

    boolean exists() {
        return Files.isRegularFile(file);
    }

    Path file() {
        return file;
    }

    /** The flags of a child that uses the archive; none while there is none. */
    List<String> useFlags() {
        if (!exists()) {
            return List.of();
        }
        return mapFlags(file);
    }

    /**
     * The flags of a JVM that must use {@code archive} or fail to start. A damaged archive can crash
     * every JVM that maps it (a truncated AppCDS file ends in SIGBUS), so an archive is tried this
     * way before children use it.
     */
    List<String> strictFlags(Path archive) {
        List<String> flags = new ArrayList<>();
        flags.add(aotCache ? "-XX:AOTMode=on" : "-Xshare:on");
        flags.addAll(mapFlags(archive));
        return flags;
    }

    /** The flags that map {@code archive}, as a child maps it. */
    private List<String> mapFlags(Path archive) {
        return aotCache
                ? withTraining(List.of("-XX:AOTCache=" + archive, QUIET_AOT), "-XX:-AOTReplayTraining")
                : List.of("-XX:SharedArchiveFile=" + archive, QUIET);
    }

    /** The flags of a child that writes the archive to {@code draft} as it exits. */
    List<String> writeFlags(Path draft) {
        return aotCache
                ? withTraining(List.of("-XX:AOTCacheOutput=" + draft, QUIET_AOT), "-XX:-AOTRecordTraining")
                : List.of("-XX:ArchiveClassesAtExit=" + draft, QUIET);
    }

    /** {@code flags}, and where the JDK has it, {@code trainingFlag}: no profiles recorded, or none replayed. */
    private List<String> withTraining(List<String> flags, String trainingFlag) {
        if (!trainingOff) {
            return flags;
        }
        List<String> all = new ArrayList<>(flags);
        all.add(DIAGNOSTIC);
        all.add(trainingFlag);
        return all;
    }

    /**
     * A place for the archive while it is being written: only a complete archive takes its name. The
     * name is this writer's alone: supervisors in containers of their own that share the folder can
     * have the same PID.
     */
    Path draft() throws IOException {
        Files.createDirectories(file.getParent());
        return file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".draft");
    }

    /** Gives a draft that {@code usable} accepts the archive's name; true when the archive exists afterwards. */
    boolean adopt(Path draft, Predicate<Path> usable) {
        try {
            if (Files.isRegularFile(draft) && usable.test(draft)) {
                try {
                    Files.move(draft, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(draft, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            deleteDraft(draft);
            pruneOthers();
        } catch (IOException e) {
            LOG.warn("cannot keep the children's class-data-sharing archive in {}: {}", file.getParent(), e.toString());
        }
        return exists();
    }

    /** Removes what a writer that did not finish left of {@code draft}. */
    void discardDraft(Path draft) {
        try {
            deleteDraft(draft);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", draft, e.toString());
        }
    }

    // The JDK 25 writer leaves its recorded configuration beside the archive.
    private static void deleteDraft(Path draft) throws IOException {
        Files.deleteIfExists(draft);
        Files.deleteIfExists(draft.resolveSibling(draft.getFileName() + ".config"));
    }

    /**
     * Deletes the archives of other classpaths that were written over a week ago: each build of a
     * handler jar makes a new one. A supervisor still running on an old classpath loses nothing but
     * speed: its children start without an archive. Also deletes the drafts that a writer left over
     * an hour ago: a supervisor killed while its child wrote one never removes it, and a writer
     * takes seconds.
     */
    private void pruneOthers() throws IOException {
        prune("child-*.{jsa,aot}", Duration.ofDays(7));
        prune("child-*.{jsa,aot}.*.{draft,draft.config}", DRAFT_LEFT_AFTER);
    }

    private void prune(String glob, Duration age) throws IOException {
        FileTime before = FileTime.from(Instant.now().minus(age));
        try (DirectoryStream<Path> found = Files.newDirectoryStream(file.getParent(), glob)) {
            for (Path other : found) {
                try {
                    if (!other.equals(file) && Files.getLastModifiedTime(other).compareTo(before) < 0) {
                        Files.deleteIfExists(other);
                    }
                } catch (NoSuchFileException gone) {
                    // another supervisor's writer took or removed it since the listing
                }
            }
        }
    }

    /** Deletes the archive, which {@code usable} refused. */
    void discard() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the unusable archive {}: {}", file, e.toString());
        }
    }

    /** The JDK's feature version, from the {@code release} file of its home folder. */
    private static Optional<Integer> featureVersion(Path java) {
        return NewerJdk.homeOf(java).flatMap(NewerJdk::feature);
    }

    // None when an entry cannot be read: a name that did not follow its jar could be an old archive's.
    private static Optional<String> digest(Path java, List<String> classpath) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, java.toRealPath());
            for (String entry : classpath) {
                update(sha, Path.of(entry));
            }
            return Optional.of(HexFormat.of().formatHex(sha.digest(), 0, 8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void update(MessageDigest sha, Path entry) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
        String identity = HandlerPathStamp.identity(entry.toAbsolutePath(), attributes);
        sha.update((identity + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
