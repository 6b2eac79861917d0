#!/usr/bin/python3
"""Helpers of ops/chaos that are easier in Python than in bash (standard library only).

    campaign.py ports N                       N free TCP ports on 127.0.0.1, one a line
    campaign.py plan --tasks N --batches B --runs FILE --seed S DIR
                                              writes DIR/batch-1.jsonl ... for the producer
    campaign.py report --queue Q [--probe-queue P] DIR
                                              the final tables, from the files ops/chaos left in DIR;
                                              exits 1 when a task was lost (or, with a probe, a
                                              confirmed message, or the supervisors were not back
                                              within 15 s of a node's stop), 3 when the queues
                                              could not be listed
"""

import argparse
import collections
import csv
import json
import os
import random
import socket
import sys
import time

TERMINAL = ("succeeded", "failed", "crashed", "cancelled")
NOT_TERMINAL = ("queued", "running", "retrying")

# The kinds of task the campaign enqueues: share of each batch, payload, and the outcome a task of
# that kind must end with (status, failure_kind). "chaos" takes the rest of the batch.
KINDS = {
    "fail":       (0.04, "fail",  {"message": "failed on purpose by the fault campaign"}, ("failed", "exception")),
    "crash-exit": (0.03, "crash", {"mode": "exit", "code": 3}, ("crashed", "exit")),
    "crash-segv": (0.02, "crash", {"mode": "segv"}, ("crashed", "signal")),
    "crash-oom":  (0.02, "crash", {"mode": "oom"}, ("crashed", "oom")),
    "crash-hang": (0.01, "crash", {"mode": "hang"}, ("crashed", "timeout")),
}
CHAOS_EXPECTED = ("succeeded", None)

# How long a supervisor's /healthz may say "not ok" after the node it used stops.
RECONNECT_BAR_S = 15

# Ports the machine's shared services use, or may: never hand them out even if free right now.
RESERVED_PORTS = {4369, 5432, 5672, 15672, 25672, 9464}


def free_ports(count):
    """Ports the kernel calls free now; all sockets stay open until the end so none repeats."""
    sockets, ports = [], []
    try:
        while len(ports) < count:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
            port = s.getsockname()[1]
            if port not in RESERVED_PORTS:
                ports.append(port)
    finally:
        for s in sockets:
            s.close()
    return ports


def plan(tasks, batches, runs, seed, folder):
    """Writes the batches: mostly chaos tasks, and in every batch at least one of each other kind."""
    rng = random.Random(seed)
    sizes = [tasks // batches + (1 if i < tasks % batches else 0) for i in range(batches)]
    for number, size in enumerate(sizes, start=1):
        lines = []
        for share, task_type, payload, _ in KINDS.values():
            lines += [{"type": task_type, "payload": payload}] * max(1, round(size * share))
        while len(lines) < size:
            lines.append({"type": "chaos", "payload": {"ms": rng.randint(50, 500), "runs": runs}})
        rng.shuffle(lines)
        with open(os.path.join(folder, f"batch-{number}.jsonl"), "w") as out:
            for line in lines:
                out.write(json.dumps(line, sort_keys=True) + "\n")


def kind_of(task_type, mode):
    if task_type == "chaos":
        return "chaos"
    if task_type == "fail":
        return "fail"
    if task_type == "crash":
        return "crash-" + (mode or "?")
    return task_type


def expected_of(kind):
    return CHAOS_EXPECTED if kind == "chaos" else KINDS.get(kind, (0, "", {}, (None, None)))[3]


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def read_tasks(folder):
    """The rows, from tasks.csv: id,type,mode,status,failure_kind,exit_code,attempts,token,worker."""
    tasks = {}
    with open(os.path.join(folder, "tasks.csv"), newline="") as f:
        for row in csv.DictReader(f, fieldnames=["id", "type", "mode", "status", "failure_kind",
                                                  "exit_code", "attempts", "token", "worker"]):
            row["kind"] = kind_of(row["type"], row["mode"])
            tasks[int(row["id"])] = row
    return tasks


def read_census(folder, queue, probe_queue=None):
    """From census.tsv (queue, id, reason): task ID -> the queues holding a message for it, named
    main, retry or dead; the count of dead letters by reason; how many messages name no task; and
    the sequence numbers in the probe's queue."""
    where = collections.defaultdict(list)
    reasons = collections.Counter()
    unreadable = 0
    probed = set()
    short = {queue: "main", queue + ".retry": "retry", queue + ".dead": "dead"}
    for line in read_lines(os.path.join(folder, "census.tsv")):
        name, task_id, reason = (line.split("\t") + ["", "", ""])[:3]
        if name == probe_queue:
            if task_id.isdigit():
                probed.add(int(task_id))
            continue
        if short.get(name) == "dead":
            reasons[reason] += 1
        if task_id.isdigit():
            where[int(task_id)].append(short.get(name, name))
        else:
            unreadable += 1
    return where, reasons, unreadable, probed


Run = collections.namedtuple("Run", "attempt token millis pid")


def read_runs(folder):
    """Task ID -> each successful handler run, from runs.log: "id attempt token epoch-ms pid"."""
    runs = collections.defaultdict(list)
    for line in read_lines(os.path.join(folder, "runs.log")):
        parts = line.split()
        if len(parts) >= 3 and parts[0].isdigit():
            parts += ["", ""]
            runs[int(parts[0])].append(Run(*parts[1:5]))
    return runs


def clock(millis):
    """Epoch milliseconds as the local time of day, as in the supervisor logs; "?" when unknown."""
    if not millis.isdigit():
        return "?"
    seconds = int(millis) / 1000
    return time.strftime("%H:%M:%S", time.localtime(seconds)) + f".{int(millis) % 1000:03d}"


def read_faults(folder):
    """The faults in order: dicts with name, at, notes and the IDs of the tasks it hit."""
    faults = []
    fault_dir = os.path.join(folder, "faults")
    if not os.path.isdir(fault_dir):
        return faults
    for name in sorted(os.listdir(fault_dir)):
        if not name.endswith(".meta"):
            continue
        fault = {"notes": [], "hit": set()}
        for line in read_lines(os.path.join(fault_dir, name)):
            key, _, value = line.partition("=")
            if key == "note":
                fault["notes"].append(value)
            else:
                fault[key] = value
        for line in read_lines(os.path.join(fault_dir, name[:-5] + ".ids")):
            if line.strip().isdigit():
                fault["hit"].add(int(line))
        faults.append(fault)
    return faults


Publish = collections.namedtuple("Publish", "seq sent done outcome connection port")


def read_probe(folder):
    """The probe's publishes, from probe.log: "seq sent-epoch-ms done-epoch-ms outcome connection port"."""
    publishes = []
    for line in read_lines(os.path.join(folder, "probe.log")):
        parts = line.split()
        if len(parts) == 6 and all(parts[i].isdigit() for i in (0, 1, 2, 4, 5)):
            publishes.append(Publish(int(parts[0]), int(parts[1]), int(parts[2]), parts[3], int(parts[4]), int(parts[5])))
    return publishes


def fault_of(faults, millis):
    """The number of the last fault begun at or before epoch-ms millis; 0 before the first."""
    number = 0
    for index, fault in enumerate(faults, start=1):
        if fault.get("from_ms", "").isdigit() and int(fault["from_ms"]) <= millis:
            number = index
    return number


def longest_gap(publishes, faults):
    """The longest time from one confirm to the next on one connection, as text."""
    times = sorted(p.done for p in publishes if p.outcome == "confirmed")
    gap, end = 0, None
    for before, after in zip(times, times[1:]):
        if after - before > gap:
            gap, end = after - before, after
    if end is None:
        return "-"
    number = fault_of(faults, end)
    return f"{gap / 1000:.1f} s ({clock(str(end - gap))} to {clock(str(end))}{f', fault {number}' if number else ''})"


def longest_waits(publishes, faults):
    """Fault number -> the longest time from one confirm to the next on any one connection, in
    seconds, for the waits that ended during that fault (until the next one began)."""
    waits = collections.defaultdict(float)
    for connection in {p.connection for p in publishes}:
        times = sorted(p.done for p in publishes if p.connection == connection and p.outcome == "confirmed")
        for before, after in zip(times, times[1:]):
            number = fault_of(faults, after)
            waits[number] = max(waits[number], (after - before) / 1000)
    return waits


def probe_report(publishes, probed, faults, counted):
    """The probe's tables and verdict figures: (lines, lost, per fault "N (longest wait S s)")."""
    confirmed = {p.seq for p in publishes if p.outcome == "confirmed"}
    failed = [p for p in publishes if p.outcome != "confirmed"]
    lost = confirmed - probed if counted else set()
    stored_anyway = {p.seq for p in failed} & probed
    not_confirmed = collections.Counter(fault_of(faults, p.sent) for p in failed)
    waits = longest_waits(publishes, faults)
    by_fault = {number: f"{not_confirmed[number]} ({waits[number]:.1f} s)" for number in range(len(faults) + 1)}
    out = ["| publishing with confirms (the probe: a connection starting on each node, "
           "one message on each every 250 ms) | messages |",
           "|---|---:|",
           f"| published | {len(publishes)} |",
           f"| confirmed | {len(confirmed)} |",
           f"| not confirmed: {summarize(collections.Counter(p.outcome for p in failed))} | {len(failed)} |",
           f"| not confirmed, yet in the queue at the end | {len(stored_anyway) if counted else 'unknown'} |",
           f"| **lost**: confirmed, not in the queue at the end "
           f"| {len(lost) if counted else 'unknown: the queues could not be listed'} |",
           "",
           "| probe connection | first on port | published | not confirmed | longest time from one confirm to the next |",
           "|---|---:|---:|---:|---|"]
    for connection in sorted({p.connection for p in publishes}):
        own = [p for p in publishes if p.connection == connection]
        out.append(f"| {connection} | {own[0].port} | {len(own)} | {sum(p.outcome != 'confirmed' for p in own)} "
                   f"| {longest_gap(own, faults)} |")
    out.append("")
    return out, lost, by_fault


def outcome(row):
    status = row["status"]
    return f"{status}/{row['failure_kind']}" if row["failure_kind"] else status


def summarize(counter):
    return ", ".join(f"{n} {what}" for what, n in counter.most_common()) or "-"


def report(folder, queue, probe_queue=None):
    tasks = read_tasks(folder)
    # Without the census no task can be called lost or waiting: every message is unaccounted for.
    counted = os.path.exists(os.path.join(folder, "census.tsv"))
    where, reasons, unreadable, probed = read_census(folder, queue, probe_queue)
    runs = read_runs(folder)
    faults = read_faults(folder)
    enqueued = {int(x) for x in read_lines(os.path.join(folder, "enqueued.ids")) if x.isdigit()}

    by_status = collections.Counter(row["status"] for row in tasks.values())
    stuck = {i for i, row in tasks.items() if row["status"] in NOT_TERMINAL}
    lost = {i for i in stuck if i not in where}
    waiting = {i for i in stuck if set(where.get(i, [])) - {"dead"} and i not in lost}
    only_dead = stuck - lost - waiting
    twice = {i for i, tokens in runs.items() if len(tokens) > 1}
    unexpected = {i for i, row in tasks.items() if row["status"] in TERMINAL
                  and (row["status"], row["failure_kind"] or None) != expected_of(row["kind"])}
    never_printed = set(tasks) - enqueued
    # The contract: a failed or crashed task's message is dead-lettered (a copy with the reason).
    undead = {i for i, row in tasks.items() if row["status"] in ("failed", "crashed") and "dead" not in where.get(i, [])}

    out = []
    out.append("| figure | tasks |")
    out.append("|---|---:|")
    for label, value in [
        ("submitted (rows in the database)", len(tasks)),
        ("succeeded", by_status["succeeded"]),
        ("failed", by_status["failed"]),
        ("crashed", by_status["crashed"]),
        ("cancelled", by_status["cancelled"]),
        ("not terminal, message still in the main or retry queue", len(waiting)),
        ("not terminal, message only in .dead", len(only_dead)),
        ("**lost**: not terminal, no message anywhere", len(lost) if counted else "unknown: the queues could not be listed"),
        ("**run twice**: handler ran to success more than once", len(twice)),
        ("terminal, but not the outcome its kind must have", len(unexpected)),
        ("failed or crashed, but no message in .dead", len(undead)),
    ]:
        out.append(f"| {label} | {value} |")
    out.append("")

    out.append("| kind | tasks | must end | ended |")
    out.append("|---|---:|---|---|")
    kinds = collections.defaultdict(list)
    for row in tasks.values():
        kinds[row["kind"]].append(row)
    for kind in ["chaos"] + list(KINDS) + sorted(set(kinds) - {"chaos"} - set(KINDS)):
        rows = kinds.get(kind, [])
        status, failure = expected_of(kind)
        must = f"{status}/{failure}" if failure else (status or "?")
        out.append(f"| {kind} | {len(rows)} | {must} | {summarize(collections.Counter(outcome(r) for r in rows))} |")
    out.append("")

    probe_lost, not_confirmed = set(), {}
    if probe_queue:
        lines, probe_lost, not_confirmed = probe_report(read_probe(folder), probed, faults, counted)
        out.extend(lines)

    if faults:
        probe_head, probe_rule = ((" probe: publishes not confirmed (longest wait for a confirm) |", "---:|")
                                  if probe_queue else ("", ""))
        out.append("| # | at | fault | tasks it hit | where they ended | run twice | lost |" + probe_head)
        out.append("|---|---:|---|---:|---|---:|---:|" + probe_rule)
        for number, fault in enumerate(faults, start=1):
            hit = fault["hit"]
            ended = collections.Counter(outcome(tasks[i]) for i in hit if i in tasks)
            probe_cell = f" {not_confirmed.get(number, '-')} |" if probe_queue else ""
            out.append(f"| {number} | {fault.get('at', '?')} | {fault.get('name', '?')} | {len(hit)} "
                       f"| {summarize(ended)} | {len(hit & twice)} | {len(hit & lost)} |" + probe_cell)
        out.append("")
        for number, fault in enumerate(faults, start=1):
            for note in fault["notes"]:
                out.append(f"fault {number}: {note}")
        out.append("")

    def listing(title, ids, describe):
        if not ids:
            return
        shown = sorted(ids)[:15]
        out.append(f"{title} ({len(ids)}{', first 15' if len(ids) > 15 else ''}):")
        for i in shown:
            out.append("  " + describe(i))

    def row_text(i):
        if i not in tasks:
            return f"task {i}: no row"
        row = tasks[i]
        ran = runs.get(i, [])
        ran_text = ""
        if row["kind"] == "chaos":
            recorded = next((n for n, run in enumerate(ran, 1) if run.token == row["token"]), "no run")
            ran_text = f", handler ran to success {len(ran)}x" + (
                " (" + "; ".join(f"attempt {r.attempt} at {clock(r.millis)} in child {r.pid or '?'}" for r in ran)
                + f"; the row holds the result of run {recorded})" if ran else "")
        return (f"task {i} {row['kind']}: {outcome(row)}, attempts {row['attempts']}, worker {row['worker'] or '-'}"
                f"{ran_text}, messages in {','.join(where.get(i, [])) or 'no queue'}")

    listing("lost", lost, row_text)
    listing("run twice", twice, row_text)
    listing("not the outcome their kind must have", unexpected, row_text)
    listing("not terminal, waiting in a queue", waiting, row_text)
    listing("not terminal, only in .dead", only_dead, row_text)
    listing("failed or crashed, but no message in .dead", undead, row_text)
    if reasons:
        out.append("dead letters by reason: " + summarize(reasons))
    if never_printed:
        out.append(f"{len(never_printed)} rows exist whose ID the producer never printed "
                   f"(an enqueue batch was cut short)")
    if unreadable:
        out.append(f"{unreadable} messages in the queues name no task")
    # A node's stop that a supervisor took longer than the bar to get over (or never did).
    slow = [number for number, fault in enumerate(faults, start=1) if "reconnect_s" in fault
            and not (fault["reconnect_s"].isdigit() and int(fault["reconnect_s"]) <= RECONNECT_BAR_S)]
    for number, fault in enumerate(faults, start=1):
        if "reconnect_s" in fault:
            seconds = fault["reconnect_s"]
            out.append(f"fault {number}: the longest a supervisor's /healthz was not ok: "
                       f"{seconds + ' s' if seconds.isdigit() else 'still not ok 60 s after the stop'}; the bar of "
                       f"{RECONNECT_BAR_S} s is {'missed' if number in slow else 'met'}")
    if probe_lost:
        out.append(f"confirmed probe messages lost: {', '.join(str(n) for n in sorted(probe_lost)[:15])}")
    print("\n".join(out).rstrip())

    with open(os.path.join(folder, "verdict"), "w") as f:
        f.write(f"lost={len(lost)}\ntwice={len(twice)}\nstuck={len(stuck)}\nunexpected={len(unexpected)}\n"
                f"submitted={len(tasks)}\n")
        if probe_queue:
            f.write(f"probe_lost={len(probe_lost)}\nslow_reconnect={len(slow)}\n")
    if not counted:
        return 3
    return 1 if lost or probe_lost or slow else 0


def main():
    parser = argparse.ArgumentParser(prog="campaign.py")
    commands = parser.add_subparsers(dest="command", required=True)
    ports = commands.add_parser("ports")
    ports.add_argument("count", type=int)
    planning = commands.add_parser("plan")
    planning.add_argument("--tasks", type=int, required=True)
    planning.add_argument("--batches", type=int, required=True)
    planning.add_argument("--runs", required=True)
    planning.add_argument("--seed", type=int, default=1)
    planning.add_argument("folder")
    reporting = commands.add_parser("report")
    reporting.add_argument("--queue", required=True)
    reporting.add_argument("--probe-queue")
    reporting.add_argument("folder")
    args = parser.parse_args()
    if args.command == "ports":
        print("\n".join(str(p) for p in free_ports(args.count)))
        return 0
    if args.command == "plan":
        plan(args.tasks, args.batches, args.runs, args.seed, args.folder)
        return 0
    return report(args.folder, args.queue, args.probe_queue)


if __name__ == "__main__":
    sys.exit(main())
