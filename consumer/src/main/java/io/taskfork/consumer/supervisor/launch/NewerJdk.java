package io.taskfork.consumer.supervisor.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JDK installed beside the supervisor's own ({@code /usr/lib/jvm/*}, say) that is newer than the
 * one children run on. Children of JDK 25 start on less CPU than those of JDK 17 (README: "Which
 * JDK for children"), so the supervisor says once that there is one; it switches nothing: the
 * operator chooses with {@code TASKFORK_CHILD_JAVA}.
 */
final class NewerJdk {

    private static final Logger LOG = LoggerFactory.getLogger(NewerJdk.class);
    private static final Pattern JAVA_VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");
    private static final AtomicBoolean HINTED = new AtomicBoolean();

    private NewerJdk() {
    }

    /** Logs, once per JVM, the newest JDK beside {@code ownHome} when it is newer than the children's java. */
    static void hintOnce(Path ownHome, Path childJava) {
        if (HINTED.get()) {
            return;
        }
        Optional<Integer> children = homeOf(childJava).flatMap(NewerJdk::feature);
        Optional<Path> newer = children.flatMap(feature -> newestBeside(ownHome, feature));
        if (newer.isPresent() && HINTED.compareAndSet(false, true)) {
            LOG.info("a newer JDK is installed beside this one: {} (JDK {}); children start on less CPU there:"
                    + " set TASKFORK_CHILD_JAVA={} to use it (children now run JDK {})", newer.get(),
                    feature(newer.get()).orElseThrow(), newer.get().resolve("bin").resolve("java"), children.get());
        }
    }

    /** The home in the parent folder of {@code ownHome} with a runnable java and the highest feature version above {@code than}. */
    static Optional<Path> newestBeside(Path ownHome, int than) {
        Path parent = ownHome.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return Optional.empty();
        }
        Path best = null;
        int bestFeature = than;
        try (DirectoryStream<Path> homes = Files.newDirectoryStream(parent)) {
            for (Path home : homes) {
                Optional<Integer> feature = feature(home);
                if (feature.isPresent() && feature.get() > bestFeature
                        && Files.isExecutable(home.resolve("bin").resolve("java"))) {
                    best = home;
                    bestFeature = feature.get();
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(best);
    }

    /** {@code java} itself when no JDK's version can be read beside it, else none. */
    static Optional<Path> noJdksJava(Path java) {
        return homeOf(java).flatMap(NewerJdk::feature).isPresent() ? Optional.empty() : Optional.of(java);
    }

    /** The feature version of the JDK in {@code home}, from its {@code release} file. */
    static Optional<Integer> feature(Path home) {
        try {
            Matcher version = JAVA_VERSION.matcher(Files.readString(home.resolve("release"), StandardCharsets.UTF_8));
            return version.find() ? Optional.of(Integer.parseInt(version.group(1))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The home of {@code java}: its real path's grandparent. */
    static Optional<Path> homeOf(Path java) {
        try {
            return Optional.ofNullable(java.toRealPath().getParent()).map(Path::getParent);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
