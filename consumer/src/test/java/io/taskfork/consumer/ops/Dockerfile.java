package io.taskfork.consumer.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Dockerfile read as its instructions, each in the stage it belongs to. */
final class Dockerfile {

    private record Instruction(int stage, String keyword, String arguments) {
    }

    private final List<Instruction> instructions = new ArrayList<>();

    private Dockerfile() {
    }

    static Dockerfile read(Path file) throws IOException {
        Dockerfile dockerfile = new Dockerfile();
        int stage = -1;
        StringBuilder pending = new StringBuilder();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            line = pending.append(line).toString().replaceAll("\\s+", " ");
            pending.setLength(0);
            int space = line.indexOf(' ');
            String keyword = line.substring(0, space).toUpperCase(java.util.Locale.ROOT);
            if (keyword.equals("FROM")) {
                stage++;
            }
            dockerfile.instructions.add(new Instruction(stage, keyword, line.substring(space + 1)));
        }
        return dockerfile;
    }

    /** The image of each stage. */
    List<String> from() {
        return instructions("FROM").stream().map(arguments -> arguments.split(" ")[0]).toList();
    }

    List<String> instructions(String keyword) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword))
                .map(Instruction::arguments).toList();
    }

    String lastInStage(int stage, String keyword) {
        return instructions.stream().filter(instruction -> instruction.stage() == stage && instruction.keyword().equals(keyword))
                .map(Instruction::arguments).reduce((first, last) -> last).orElse("");
    }

    /** The last ENTRYPOINT, in its exec (JSON array) form. */
    List<String> entrypoint() throws IOException {
        List<String> entrypoints = instructions("ENTRYPOINT");
        if (entrypoints.isEmpty() || !entrypoints.get(entrypoints.size() - 1).startsWith("[")) {
            throw new AssertionError("no ENTRYPOINT in exec form: " + entrypoints);
        }
        return new ObjectMapper().readValue(entrypoints.get(entrypoints.size() - 1), new TypeReference<List<String>>() {
        });
    }

    /**
     * What the last stage copies from the stage named build: each source, relative to the build
     * stage's WORKDIR (so, to the repository), and where it lands in the image.
     */
    Map<String, String> copiedFromBuild() {
        int last = from().size() - 1;
        String buildRoot = withSlash(workdir(0));
        String workdir = withSlash(workdir(last));
        Map<String, String> copied = new LinkedHashMap<>();
        for (Instruction instruction : instructions) {
            if (instruction.stage() != last || !instruction.keyword().equals("COPY")
                    || !instruction.arguments().startsWith("--from=build ")) {
                continue;
            }
            List<String> parts = Arrays.asList(instruction.arguments().substring("--from=build ".length()).split(" "));
            String destination = parts.get(parts.size() - 1);
            String target = destination.startsWith("/") ? destination : workdir + destination.replaceFirst("^\\./", "");
            for (String source : parts.subList(0, parts.size() - 1)) {
                String relative = source.startsWith(buildRoot) ? source.substring(buildRoot.length()) : source;
                relative = relative.replaceAll("/$", "");
                String landing = source.endsWith("/") || !target.endsWith("/")
                        ? target : target + relative.substring(relative.lastIndexOf('/') + 1);
                copied.put(relative, Path.of(landing).normalize().toString());
            }
        }
        return copied;
    }

    private String workdir(int stage) {
        String workdir = lastInStage(stage, "WORKDIR");
        return workdir.isEmpty() ? "/" : workdir;
    }

    private static String withSlash(String path) {
        return path.endsWith("/") ? path : path + "/";
    }
}
