#!/usr/bin/env python3
"""Enqueue a taskfork task from Python, with no database access: publish a JSON message.

Needs pika (pip install pika, or Debian's python3-pika). The queue must exist already: the
consumer and the producer declare it. Do not declare it here with other arguments.

usage: enqueue.py TYPE [PAYLOAD-JSON] [MESSAGE-ID]
"""
import json
import os
import sys

import pika


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    task_type = argv[1]
    payload = json.loads(argv[2]) if len(argv) > 2 else {}
    properties = pika.BasicProperties(
        content_type="application/json",
        delivery_mode=2,  # persistent
        # Optional: the consumer creates one row per message ID, however often it is published.
        message_id=argv[3] if len(argv) > 3 else None,
    )
    uri = os.environ.get("TASKFORK_AMQP_URI", "amqp://guest:guest@localhost:5672/%2F")
    queue = os.environ.get("TASKFORK_QUEUE", "taskfork.tasks")
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    try:
        channel = connection.channel()
        channel.confirm_delivery()  # basic_publish raises if the broker does not confirm
        channel.basic_publish(
            exchange="",
            routing_key=queue,
            body=json.dumps({"type": task_type, "payload": payload}),
            properties=properties,
            mandatory=True,  # raises UnroutableError when the queue does not exist
        )
    finally:
        connection.close()
    print(f"published a {task_type} task to {queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
