package io.taskfork.producer.audit;

import io.taskfork.producer.cli.Counted;
import io.taskfork.shared.json.Json;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints what an audit found and mended: lines for a person, or one JSON object. */
final class AuditReport {

    /** IDs printed per finding on a line; --json lists them all. */
    private static final int SHOWN = 20;

    private static final Map<String, String> MEANING = Map.of(
            "lost", "queued or retrying, no message to run it and none owed",
            "dead_supervisor", "running on a supervisor whose heartbeat is gone",
            "no_dead_letter", "failed or crashed, without a dead letter (or it was purged)",
            "dead_letter_not_ended", "a dead letter whose task is not failed or crashed",
            "duplicate_messages", "more than one message waiting, or more than one dead letter");

    private AuditReport() {
    }

    static void print(Audit.Look look, List<String> repairs, boolean json, PrintStream out) {
        if (json) {
            out.println(Json.write(asJson(look, repairs)));
            return;
        }
        out.println(Counted.of(look.tasks(), "task") + "; " + look.queues().stream()
                .map(census -> census.queue() + " " + census.total() + " ready")
                .collect(Collectors.joining(", ")) + "; " + Counted.of(look.mainConsumers(), "consumer") + " on "
                + look.main().queue());
        look.findings().kinds().forEach((kind, ids) -> out.println(line(kind, ids)));
        repairs.forEach(out::println);
        out.println(look.findings().clean() ? "clean" : Counted.of(look.findings().count(), "finding"));
    }

    private static String line(String kind, List<Long> ids) {
        String shown = ids.stream().limit(SHOWN).map(String::valueOf).collect(Collectors.joining(" "));
        return String.format("%-22s %5d  %s%s", kind, ids.size(), MEANING.get(kind),
                ids.isEmpty() ? "" : ": " + shown + (ids.size() > SHOWN ? " …" : ""));
    }

    private static Map<String, Object> asJson(Audit.Look look, List<String> repairs) {
        Map<String, Object> queues = new LinkedHashMap<>();
        look.queues().forEach(census -> queues.put(census.queue(), Map.of("ready", census.total())));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("clean", look.findings().clean());
        json.put("tasks", look.tasks());
        json.put("queues", queues);
        json.put("main_consumers", look.mainConsumers());
        json.put("findings", look.findings().kinds());
        json.put("repairs", repairs);
        return json;
    }
}
