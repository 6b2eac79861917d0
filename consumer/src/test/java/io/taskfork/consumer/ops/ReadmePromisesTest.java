package io.taskfork.consumer.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md is the contract, and each promise in it names the test that fails when it breaks, in a
 * marker the rendered page does not show: {@code <!-- test: ExecIT#refusedCommandIsNotRetried -->}.
 * This test keeps the markers honest (each names a test method that exists) and makes a promise
 * without one visible: in the sections listed in {@link #EVERY_LINE_PROMISES}, every bullet and every
 * table row is a promise, and must carry a marker.
 */
class ReadmePromisesTest {

    /** Sections (by their heading) in which every bullet and table row promises a behaviour. */
    static final List<String> EVERY_LINE_PROMISES = List.of(
            "## Nothing lost, nothing run twice by accident",
            "### The order of every write and every publish",
            "### Audit: rows against queues",
            "## External commands: the `exec` type",
            "### What a task cost");

    private static final Pattern MARKER = Pattern.compile("<!-- test: ([^>]*?) -->");
    // A table's header row names what its rows are about; a separator row is made of dashes.
    private static final Pattern HEADER = Pattern.compile("\\| *(what happens|path|finding|payload field) *\\|.*"
            + "|\\|[-:| ]+\\|");
    private static final Pattern REFERENCE = Pattern.compile("([A-Z][A-Za-z0-9]*)(?:#([a-z][A-Za-z0-9]*))?");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyMarkerNamesATestThatExists() {
        Map<String, String> sources = testSources();
        List<String> missing = new ArrayList<>();
        List<String> markers = markers(readme());
        for (String marker : markers) {
            for (String reference : marker.trim().split("[,\\s]+")) {
                Matcher parts = REFERENCE.matcher(reference);
                if (!parts.matches()) {
                    missing.add(reference + " (not Class or Class#method)");
                } else if (!sources.containsKey(parts.group(1))) {
                    missing.add(reference + " (no test class " + parts.group(1) + ")");
                } else if (parts.group(2) != null
                        && !Pattern.compile("void " + parts.group(2) + "\\(").matcher(sources.get(parts.group(1))).find()) {
                    missing.add(reference + " (no method " + parts.group(2) + " in " + parts.group(1) + ")");
                }
            }
        }
        assertThat(markers).as("README.md's test markers").isNotEmpty();
        assertThat(missing).as("README.md markers naming tests that do not exist").isEmpty();
    }

    @Test
    void everyPromiseInThePromiseSectionsNamesItsTest() {
        List<String> unmarked = new ArrayList<>();
        for (String promise : promises(readme())) {
            if (!MARKER.matcher(promise).find()) {
                unmarked.add(promise.substring(0, Math.min(promise.length(), 100)));
            }
        }
        assertThat(unmarked).as("promises in README.md without a test marker").isEmpty();
    }

    @Test
    void eachPromiseSectionIsStillInReadme() {
        assertThat(readme().lines().map(String::strip).toList()).containsAll(EVERY_LINE_PROMISES);
    }

    /**
     * The promises of the sections in {@link #EVERY_LINE_PROMISES}: each bullet, with the indented
     * lines that continue it, and each table row that is neither a header nor its separator.
     */
    static List<String> promises(String readme) {
        List<String> promises = new ArrayList<>();
        boolean inSection = false;
        StringBuilder bullet = null;
        for (String line : readme.lines().toList()) {
            if (bullet != null && line.startsWith("  ") && !line.isBlank()) {
                bullet.append(' ').append(line.strip());
                continue;
            }
            if (bullet != null) {
                promises.add(bullet.toString());
                bullet = null;
            }
            if (line.startsWith("#")) {
                inSection = EVERY_LINE_PROMISES.contains(line.strip());
            } else if (inSection && line.startsWith("- ")) {
                bullet = new StringBuilder(line);
            } else if (inSection && line.startsWith("| ") && !HEADER.matcher(line).matches()) {
                promises.add(line);
            }
        }
        if (bullet != null) {
            promises.add(bullet.toString());
        }
        return promises;
    }

    private static List<String> markers(String text) {
        List<String> markers = new ArrayList<>();
        Matcher matcher = MARKER.matcher(text);
        while (matcher.find()) {
            markers.add(matcher.group(1));
        }
        return markers;
    }

    private static Stream<Path> walk(Path folder) {
        try {
            return Files.walk(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readme() {
        return read(ROOT.resolve("README.md"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every test class of the build, by simple name, with its source. */
    private static Map<String, String> testSources() {
        Map<String, String> sources = new HashMap<>();
        Stream.of("shared", "producer", "consumer", "ops").map(ROOT::resolve).flatMap(ReadmePromisesTest::walk)
                .filter(file -> file.toString().contains("/src/test/java/") && file.toString().endsWith(".java"))
                .filter(file -> !file.toString().contains("/target/"))
                // two modules may each have a test class of one name: a marker may name a method of either
                .forEach(file -> sources.merge(file.getFileName().toString().replace(".java", ""), read(file),
                        String::concat));
        return sources;
    }
}
