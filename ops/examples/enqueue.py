#!/usr/bin/env python3
"""Enqueue a taskfork task from Python, with no database access: publish a JSON message.

Needs pika (pip install pika, or Debian's python3-pika). The queue must exist already: the
consumer and the producer declare it. Do not declare it here with other arguments.

usage: enqueue.py [--message-id ID] [--max-attempts N] [--delay DURATION | --run-at INSTANT]
                  [--expires-at INSTANT] [--unique-key KEY] TYPE [PAYLOAD-JSON]
"""
import argparse
import decimal
import json
import os
import sys

try:
    import pika
except ImportError:
    # a python3 without it (a pyenv or a venv beside Debian's python3-pika, say): one line, not a traceback
    sys.exit(f"enqueue.py: needs pika, which {sys.executable} does not have"
             " (pip install pika, or Debian's python3-pika for /usr/bin/python3)")


def arguments(argv):
    parser = argparse.ArgumentParser(prog="enqueue.py", description="Publish one taskfork task as JSON.")
    parser.add_argument("type", help="the task type, such as echo")
    parser.add_argument("payload", nargs="?", default="{}", help="a JSON object for the handler")
    # The consumer creates one row per message ID, however often the message is published.
    parser.add_argument("--message-id")
    parser.add_argument("--max-attempts", type=int)
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--delay", help="not before this long after a supervisor takes it: 30s, 10m")
    when.add_argument("--run-at", help="not before this ISO-8601 instant: 2026-12-01T09:00:00Z")
    parser.add_argument("--expires-at", help="if it has not started by this instant, it never runs")
    parser.add_argument("--unique-key", help="while a live task holds this key, the message creates nothing")
    return parser.parse_args(argv[1:])


def refuse_constant(name):
    raise ValueError(f"{name} is no JSON number")


def message(args):
    # The payload goes out as it was written: read back into Python floats, 12345678901234567.89 would lose
    # its cents and 1e400 become Infinity, which is no JSON. It is only checked here.
    payload = json.loads(args.payload, parse_float=decimal.Decimal, parse_constant=refuse_constant)
    if payload is not None and not isinstance(payload, dict):
        raise ValueError("the payload must be a JSON object")
    body = {"type": args.type}
    for field in ("max_attempts", "delay", "run_at", "expires_at", "unique_key"):
        value = getattr(args, field)
        if value is not None:
            body[field] = value
    return json.dumps(body)[:-1] + ', "payload": ' + args.payload.strip() + "}"


def main(argv):
    args = arguments(argv)
    try:
        body = message(args)
    except ValueError as e:
        print(f"enqueue.py: invalid PAYLOAD-JSON: {e}", file=sys.stderr)
        return 2
    properties = pika.BasicProperties(content_type="application/json", delivery_mode=2,  # persistent
                                      message_id=args.message_id)
    uri = os.environ.get("TASKFORK_AMQP_URI", "amqp://guest:guest@localhost:5672/%2F")
    queue = os.environ.get("TASKFORK_QUEUE", "taskfork.tasks")
    connection = pika.BlockingConnection(pika.URLParameters(uri.split(",")[0]))
    try:
        channel = connection.channel()
        channel.confirm_delivery()  # basic_publish raises if the broker does not confirm
        channel.basic_publish(
            exchange="",
            routing_key=queue,
            body=body,
            properties=properties,
            mandatory=True,  # raises UnroutableError when the queue does not exist
        )
    except pika.exceptions.UnroutableError:
        print(f"enqueue.py: no queue {queue} on the broker: check TASKFORK_QUEUE"
              " (a pool's queues are made by its first submit or supervisor)", file=sys.stderr)
        return 1
    finally:
        connection.close()
    print(f"published a task of type {args.type} to {queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
