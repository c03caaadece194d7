"""kill -9 loop against `cus serve` (issue 13): concurrent HTTP commands, SIGKILL at a random moment, restart, check.

    python3 crash_loop_server.py PATH/TO/cus --cycles N [--workers W] [--seed S] [--keep DIR]

Each cycle: the server (duties every 1-2 s inside it) takes commands from W threads (new residents and need
signals for residents registered earlier, each with a fresh UUIDv7 Idempotency-Key) until a random moment, then
gets SIGKILL. With the server down: `cus ledger verify`, `cus projections status` (no projection failed, none ahead
of the ledger), the duties' run record still readable (`cus ops duties`), and every `--views-every` cycles each
view caught up from its crash-time checkpoint against the same view built from scratch at the same size. After
the restart (time to /ready recorded): the new records read back through GET /v1/audit/export with no gap; every
acknowledged command (201 received) is at its positions with its stream and derived event ids (ledger.md G4);
every record seen before is byte-identical (records from the last cycles each time, all of them every
`--full-every` cycles and at the end); commands whose answer never came are re-sent with their key and must be
answered 201; a sample of acknowledged commands is re-sent and must get the original answer with
Idempotent-Replayed; no duty command appended the same duty event twice. The last cycle ends with SIGTERM, a
clean exit and a final verify. Prints one summary line (JSON) and exits 1 on the first broken promise.
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cus_server  # noqa: E402
from cus_server import DriverFailure  # noqa: E402

REPOSITORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
VIEWS = ["PlanStatusView", "ApplicationQueue", "CoordinatorCaseload", "ProviderWorkload", "FeeLedgerView",
         "ComplianceAlerts"]

# Every duty every 1-2 s (backups every 10 s, two kept), so kills land inside duty passes too.
DUTIES = {"schedules": {"waitlistPromotion": {"every": 2}, "monthlyCharge": {"every": 2},
                        "retentionErasure": {"every": 2}, "checkpoint": {"every": 1}, "backup": {"every": 10},
                        "readerCheck": {"every": 1}},
          "chargeLookbackMonths": 3, "backupsKept": 2}


def derived_event_id(command_id, index):
    """EventID.derived (Sources/Ledger/Model/EventID+Derivation.swift): the command id's 48-bit time prefix, then
    bits of SHA-256("cusledger/event-id/v1" || command id || index u32 BE), version 8, RFC 9562 variant."""
    command = uuid.UUID(command_id)
    digest = hashlib.sha256(b"cusledger/event-id/v1" + command.bytes + index.to_bytes(4, "big")).digest()
    hashed_high = int.from_bytes(digest[:8], "big")
    hashed_low = int.from_bytes(digest[8:16], "big")
    command_high = command.int >> 64
    high = command_high & 0xFFFF_FFFF_FFFF_0000 | 0x8000 | (hashed_high & 0x0FFF)
    low = hashed_low & ~(0b11 << 62) & 0xFFFF_FFFF_FFFF_FFFF | (0b10 << 62)
    return str(uuid.UUID(int=high << 64 | low))


class LostEvents(DriverFailure):
    def __init__(self, message, count):
        super().__init__(message)
        self.count = count


class Ledger:
    """What the driver knows of the ledger: every record read back (position -> export line fields) and every
    acknowledged command."""

    def __init__(self):
        self.records = {}
        self.acks = {}  # command id -> {"path", "body", "answer"}
        self.unconfirmed = []  # command ids acknowledged since the last check
        self.lock = threading.Lock()
        self.duty_events = {}  # (type, stream, payload) -> position, for events the duties appended

    def acknowledge(self, command_id, path, body, answer):
        with self.lock:
            self.acks[command_id] = {"path": path, "body": body, "answer": answer}
            self.unconfirmed.append(command_id)

    def absorb(self, lines, start):
        """Export lines from `start`: positions must run on without a gap, and a record read before must come back
        with the same bytes."""
        for offset, line in enumerate(lines):
            position = line["position"]
            if position != start + offset:
                raise DriverFailure(f"export gap: expected position {start + offset}, got {position}")
            seen = self.records.get(position)
            fields = (line["record"], line["eventId"], line["stream"])
            if seen is not None and seen != fields:
                raise DriverFailure(f"record at position {position} changed since it was first read")
            self.records[position] = fields
            if seen is None and str(line.get("actor", "")).startswith("system:"):
                self.note_duty_event(line)

    def note_duty_event(self, line):
        """A duty appends each (policy, subject, period) once (ledger.md G4): the same type, stream and clear payload
        twice means a duty ran a period again under another command id."""
        payload = line.get("payload")
        if payload is not None:
            # What the duty decided, without what differs between two runs (time, command and request ids).
            event = {name: value for name, value in payload.get("event", {}).items() if name != "requestId"}
            payload = json.dumps(event, sort_keys=True)
        key = (line["type"], line["stream"], payload if payload is not None else line.get("payloadBase64"))
        if key in self.duty_events:
            raise DriverFailure(
                f"duty event appended twice: {line['type']} on {line['stream']} at positions "
                f"{self.duty_events[key]} and {line['position']}")
        self.duty_events[key] = line["position"]

    def confirm(self, command_id):
        """The acknowledged command is at its positions, in its stream, with the event ids derived from its id."""
        answer = self.acks[command_id]["answer"]
        if answer.get("firstPosition") is None:
            return 0
        first, last = answer["firstPosition"], answer["lastPosition"]
        if last - first + 1 != answer["eventCount"]:
            raise DriverFailure(f"command {command_id}: answer {answer} names {last - first + 1} positions")
        for index, position in enumerate(range(first, last + 1)):
            record = self.records.get(position)
            if record is None:
                raise LostEvents(f"LOST: command {command_id} acknowledged at position {position}, not in the ledger",
                                 last - position + 1)
            if record[2] != answer["stream"]:
                raise DriverFailure(f"command {command_id}: position {position} is in {record[2]}, "
                                    f"acknowledged in {answer['stream']}")
            if record[1] != derived_event_id(command_id, index):
                raise DriverFailure(f"command {command_id}: position {position} holds event {record[1]}, "
                                    f"not event {index} of this command")
        return answer["eventCount"]


class Load:
    """W threads sending commands until `stop`; answers sorted into acknowledged, refused and in doubt."""

    def __init__(self, port, token, ledger, persons, rng):
        self.port, self.token, self.ledger, self.persons = port, token, ledger, persons
        self.rng = rng
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.in_doubt = {}  # command id -> (path, body): sent, no 2xx answer, may or may not have committed
        self.refused = {}  # status -> count

    def next_command(self, rng):
        with self.lock:
            person = rng.choice(self.persons) if self.persons and rng.random() < 0.6 else None
        if person is None:
            person, path, body = cus_server.register_person_request()
            return person, path, body
        path, body = cus_server.need_signal_request(person)
        return None, path, body

    def worker(self, seed):
        rng = random.Random(seed)
        client = cus_server.Client(self.port, timeout=30)
        while not self.stop.is_set():
            new_person, path, body = self.next_command(rng)
            key = cus_server.uuid7()
            try:
                status, headers, payload = client.request(
                    "POST", path, self.token, body, {"Idempotency-Key": key})
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.in_doubt[key] = (path, body)
                break  # the server is gone
            if status == 201:
                self.ledger.acknowledge(key, path, body, json.loads(payload))
                if new_person:
                    with self.lock:
                        self.persons.append(new_person)
            elif status in (503, 504):
                with self.lock:
                    self.in_doubt[key] = (path, body)
            else:
                with self.lock:
                    self.refused[status] = self.refused.get(status, 0) + 1
        client.close()

    def run(self, workers):
        threads = [threading.Thread(target=self.worker, args=(self.rng.random(),)) for _ in range(workers)]
        for thread in threads:
            thread.start()
        return threads


class Loop:
    def __init__(self, arguments):
        self.a = arguments
        self.rng = random.Random(arguments.seed)
        self.work = arguments.keep or tempfile.mkdtemp(prefix="cus-crash-server.")
        os.makedirs(self.work, exist_ok=True)
        self.data = os.path.join(self.work, "data")
        self.log = os.path.join(self.work, "serve.log")
        self.ledger = Ledger()
        self.persons = []
        self.stats = {"cycles": 0, "acknowledgedCommands": 0, "acknowledgedEvents": 0, "lostEvents": 0,
                      "inDoubtFoundCommitted": 0, "inDoubtAppendedOnRetry": 0, "resentAnsweredOriginal": 0,
                      "refused": {}, "viewsCompared": 0, "dutyEvents": 0, "verifies": 0}
        self.boot_seconds = []
        self.phases = {}
        self.in_doubt = {}

    def cus(self, *args):
        """A CLI command; a trailing False lets it exit non-zero."""
        check = args[-1] is not False
        return cus_server.run_cus(self.a.cus, *(args if check else args[:-1]), check=check)

    def write_rules(self):
        """The shipped rule set with retention cut to one year from 2026 (a later set supersedes an open-ended
        one), so the retention duty erases the generated residents while the loop kills the server."""
        rules = os.path.join(self.work, "rules")
        os.makedirs(rules, exist_ok=True)
        with open(os.path.join(REPOSITORY, "Schemas", "rules", "cus-act-2020-01-01.1.json")) as file:
            rule_set = json.load(file)
        rule_set.update(version="2026-01-01.1", effectiveFrom="2026-01-01",
                        source="Tools/crash-loop-server: retention cut to one year so the retention duty has work")
        rule_set["parameters"]["retention"]["personalDataYears"] = 1
        with open(os.path.join(rules, "cus-act-2026-01-01.1.json"), "w") as file:
            json.dump(rule_set, file, indent=1)
        return rules

    def prepare(self):
        started = time.monotonic()
        rules = self.write_rules()
        self.cus("generate", "--data", self.data, "--residents", str(self.a.residents), "--months",
                 str(self.a.months), "--seed", "13", "--from", "2025-01-01", "--rules", rules)
        self.clerk = cus_server.create_token(self.a.cus, self.data, "intakeClerk")
        self.auditor = cus_server.create_token(self.a.cus, self.data, "auditor")
        duties = os.path.join(self.work, "duties.json")
        with open(duties, "w") as file:
            json.dump(DUTIES, file)
        self.port = cus_server.free_port()
        self.server = cus_server.Server(
            self.a.cus, self.data, self.port, self.log,
            ["--rules", rules, "--duties", duties, "--duty-poll-seconds", "1", "--backup-dir", os.path.join(self.work, "backups"),
             "--min-position-wait-milliseconds", "60000"])
        self.client = cus_server.Client(self.port, timeout=120)
        print(f"prepared {self.data} in {time.monotonic() - started:.1f} s; server log {self.log}", flush=True)

    def export(self, start):
        """GET /v1/audit/export from `start` to the end, as parsed lines."""
        status, _, payload = self.client.request("GET", f"/v1/audit/export?from={start}", self.auditor)
        if status != 200:
            raise DriverFailure(f"export from {start}: {status} {payload[:300]!r}")
        return [json.loads(line) for line in payload.splitlines() if line.strip()]

    def read_back(self, full):
        known = len(self.ledger.records)
        start = 0 if full else max(0, known - self.a.reread)
        lines = self.export(start)
        if len(lines) + start < known:
            raise DriverFailure(f"the ledger shrank: {len(lines) + start} records, {known} read before")
        self.ledger.absorb(lines, start)

    def resolve_in_doubt(self):
        """Commands sent without a 2xx answer: re-sent with the same key, each must now be answered 201."""
        for key, (path, body) in list(self.in_doubt.items()):
            status, headers, payload = self.client.request("POST", path, self.clerk, body, {"Idempotency-Key": key})
            if status == 422 and b"subject-erased" in payload:
                del self.in_doubt[key]
                continue
            if status != 201:
                raise DriverFailure(f"re-sent in-doubt command {key}: {status} {payload[:300]!r}")
            replayed = headers.get("idempotent-replayed") == "true"
            self.stats["inDoubtFoundCommitted" if replayed else "inDoubtAppendedOnRetry"] += 1
            self.ledger.acknowledge(key, path, body, json.loads(payload))
            del self.in_doubt[key]

    def resend_sample(self):
        """Acknowledged commands re-sent with their key: the original answer, marked Idempotent-Replayed."""
        keys = self.rng.sample(sorted(self.ledger.acks), min(self.a.resend, len(self.ledger.acks)))
        for key in keys:
            ack = self.ledger.acks[key]
            status, headers, payload = self.client.request(
                "POST", ack["path"], self.clerk, ack["body"], {"Idempotency-Key": key})
            if status != 201 or headers.get("idempotent-replayed") != "true":
                raise DriverFailure(f"re-sent acknowledged command {key}: {status} {headers} {payload[:300]!r}")
            if json.loads(payload) != ack["answer"]:
                raise DriverFailure(f"re-sent command {key}: answer {payload!r} differs from {ack['answer']}")
            self.stats["resentAnsweredOriginal"] += 1

    def confirm_acks(self):
        with self.ledger.lock:
            pending, self.ledger.unconfirmed = self.ledger.unconfirmed, []
        lost = []
        for key in pending:
            try:
                self.stats["acknowledgedEvents"] += self.ledger.confirm(key)
            except LostEvents as failure:
                self.stats["lostEvents"] += failure.count
                lost.append(str(failure))
            self.stats["acknowledgedCommands"] += 1
        if lost:
            raise DriverFailure(f"{self.stats['lostEvents']} acknowledged events lost; first: {lost[0]}")

    def verify_offline(self, cycle):
        """With the server down, as the crash left the files."""
        if cycle % self.a.verify_every == 0 or cycle == self.a.cycles:
            report = json.loads(self.timed("verify", self.cus, "ledger", "verify", "--data", self.data, "--json",
                                           False).stdout)
            if not report["ok"]:
                raise DriverFailure(f"cycle {cycle}: ledger verify failed: {report['problems'][:3]}")
            self.stats["verifies"] += 1
            self.timed("offlineChecks", self.check_projection_checkpoints, cycle, report["size"])
        duties = json.loads(self.timed("offlineChecks", self.cus, "ops", "duties", "--data", self.data, "--json")
                            .stdout)
        if sorted(duty["duty"] for duty in duties) != sorted(DUTIES["schedules"]):
            raise DriverFailure(f"cycle {cycle}: cus ops duties lists {[duty['duty'] for duty in duties]}")
        if cycle == self.a.cycles or (self.a.views_every and cycle % self.a.views_every == 0):
            self.timed("views", self.compare_views, cycle)

    def check_projection_checkpoints(self, cycle, size):
        """Every projection live (none failed) with its checkpoint within the ledger."""
        for projection in json.loads(self.cus("projections", "status", "--data", self.data, "--json").stdout):
            if projection["state"] != "live" or projection["checkpoint"] > size:
                raise DriverFailure(f"cycle {cycle}: after the crash, with the ledger at size {size}: {projection}")

    def compare_views(self, cycle):
        """Each view caught up from its crash-time checkpoint equals the view built from scratch at that size."""
        today = "2026-01-15"
        for view in VIEWS:
            live = self.cus("views", "show", view, "--data", self.data, "--json", "--today", today)
            size = live.stderr.split(" as of size ")[1].split(",")[0]
            scratch = self.cus("views", "show", view, "--data", self.data, "--json", "--today", today,
                               "--as-of-size", size)
            if json.loads(live.stdout) != json.loads(scratch.stdout):
                raise DriverFailure(f"cycle {cycle}: {view} caught up from its checkpoint differs from a rebuild "
                                    f"at size {size}")
            self.stats["viewsCompared"] += 1

    def timed(self, phase, action, *args):
        started = time.monotonic()
        result = action(*args)
        self.phases[phase] = self.phases.get(phase, 0) + time.monotonic() - started
        return result

    def check_restarted(self, full):
        """After a start: read back, confirm acknowledgements, settle the in-doubt commands, re-send a sample."""
        self.timed("readBack", self.read_back, full)
        self.confirm_acks()
        self.timed("inDoubt", self.resolve_in_doubt)
        self.timed("readBack", self.read_back, False)
        self.confirm_acks()
        self.timed("resend", self.resend_sample)

    def cycle(self, number):
        self.boot_seconds.append(self.timed("boot", self.server.start))
        self.check_restarted(number % self.a.full_every == 0)
        load = Load(self.port, self.clerk, self.ledger, self.persons, self.rng)
        threads = load.run(self.a.workers)
        self.timed("load", time.sleep, self.rng.uniform(self.a.min_load, self.a.max_load))
        self.server.kill()
        load.stop.set()
        for thread in threads:
            thread.join()
        self.client.close()
        self.in_doubt.update(load.in_doubt)
        for status, count in load.refused.items():
            self.stats["refused"][str(status)] = self.stats["refused"].get(str(status), 0) + count
        self.stats["cycles"] = number
        self.verify_offline(number)

    def finish(self):
        """A last start: everything re-read and confirmed, then SIGTERM must stop the server cleanly."""
        self.boot_seconds.append(self.server.start())
        self.check_restarted(True)
        self.client.close()
        status = self.server.stop()
        if status != 0:
            raise DriverFailure(f"cus serve exited {status} after SIGTERM (log: {self.log})")
        report = json.loads(self.cus("ledger", "verify", "--data", self.data, "--json", False).stdout)
        if not report["ok"]:
            raise DriverFailure(f"final ledger verify failed: {report['problems'][:3]}")
        self.stats["ledgerSize"] = report["size"]
        self.stats["dutyEvents"] = len(self.ledger.duty_events)

    def run(self):
        started = time.monotonic()
        self.prepare()
        try:
            for number in range(1, self.a.cycles + 1):
                self.cycle(number)
                if number % self.a.progress_every == 0:
                    print(f"cycle {number}: {self.stats['acknowledgedCommands']} commands acknowledged, "
                          f"{len(self.ledger.records)} records, boot {self.boot_seconds[-1]:.2f} s", flush=True)
            self.finish()
        finally:
            self.server.kill()
        boots = sorted(self.boot_seconds)
        self.stats.update(seed=self.a.seed, seconds=round(time.monotonic() - started, 1),
                          bootSecondsMedian=round(boots[len(boots) // 2], 3), bootSecondsMax=round(boots[-1], 3),
                          phaseSeconds={name: round(value, 1) for name, value in self.phases.items()})
        print("SUMMARY " + json.dumps(self.stats, sort_keys=True), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cus")
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--min-load", type=float, default=0.2, help="seconds of load before the kill, at least")
    parser.add_argument("--max-load", type=float, default=2.0, help="… and at most")
    parser.add_argument("--verify-every", type=int, default=1)
    parser.add_argument("--views-every", type=int, default=5, help="0: after the last cycle only")
    parser.add_argument("--full-every", type=int, default=50)
    parser.add_argument("--reread", type=int, default=200, help="records before the end re-read each cycle")
    parser.add_argument("--resend", type=int, default=10, help="acknowledged commands re-sent each cycle")
    parser.add_argument("--progress-every", type=int, default=10)
    parser.add_argument("--keep", help="work directory to use and keep (default: a temporary one, removed)")
    arguments = parser.parse_args()
    print(f"crash-loop-server: seed {arguments.seed}, {arguments.cycles} cycles, {arguments.workers} workers",
          flush=True)
    loop = Loop(arguments)
    try:
        loop.run()
    except DriverFailure as failure:
        print(f"FAILED (seed {arguments.seed}, cycle {loop.stats['cycles'] + 1}): {failure}", file=sys.stderr)
        print(f"work directory kept: {loop.work}", file=sys.stderr)
        sys.exit(1)
    if not arguments.keep:
        shutil.rmtree(loop.work, ignore_errors=True)


if __name__ == "__main__":
    main()
