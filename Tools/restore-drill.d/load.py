#!/usr/bin/env python3
"""Command load for Tools/restore-drill: CLIENTS threads file need signals for residents already known (POST
/v1/applications/{new id}/need-signals: a new application stream, its description sealed with the resident's
existing data key) against `cus serve` until SIGTERM, then print one JSON line: requests, acknowledged (2xx),
other statuses and the acknowledged rate. No new data key is made, so a keys backup taken under this load holds
every key a later ledger backup uses."""
import argparse
import http.client
import json
import random
import signal
import threading
import time
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--token", required=True)
parser.add_argument("--clients", type=int, default=4)
parser.add_argument("--persons", required=True, help="comma-separated personRefs")
arguments = parser.parse_args()

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
lock = threading.Lock()
counts = {"requests": 0, "acknowledged": 0, "statuses": {}}


persons = arguments.persons.split(",")


def client():
    generator = random.Random()
    connection = http.client.HTTPConnection("127.0.0.1", arguments.port, timeout=30)
    while not stop.is_set():
        body = json.dumps({
            "personRef": generator.choice(persons), "source": "family", "channel": "phone",
            "signalledOn": "2025-04-10", "description": "needs help with shopping",
        })
        headers = {"Authorization": "Bearer " + arguments.token, "Content-Type": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        try:
            connection.request("POST", "/v1/applications/%s/need-signals" % uuid.uuid4(), body, headers)
            response = connection.getresponse()
            response.read()
            status = str(response.status)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", arguments.port, timeout=30)
            time.sleep(0.05)
        with lock:
            counts["requests"] += 1
            counts["statuses"][status] = counts["statuses"].get(status, 0) + 1
            if status.startswith("2"):
                counts["acknowledged"] += 1


started = time.monotonic()
threads = [threading.Thread(target=client, daemon=True) for _ in range(arguments.clients)]
for thread in threads:
    thread.start()
while not stop.is_set():
    stop.wait(0.2)
for thread in threads:
    thread.join(timeout=35)
seconds = time.monotonic() - started
counts["seconds"] = round(seconds, 2)
counts["acknowledgedPerSecond"] = round(counts["acknowledged"] / seconds, 1) if seconds > 0 else 0
print(json.dumps(counts, sort_keys=True), flush=True)
