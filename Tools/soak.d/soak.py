"""Soak of `cus serve` (issue 13): the documented mix at a steady rate for MINUTES, RSS and latency every minute.

    python3 soak.py PATH/TO/cus --minutes 30 [--rate 50] [--out DIR]

Starts `cus serve --demo` on 127.0.0.1 in a temporary data directory and sends the mix of docs/benchmarks.md
(70 % view pages, 10 % one plan, 10 % M&E indicators, 10 % registrations; Tools/load-bench.d/common.lua's
requests) open-loop: request i is due at start + i / rate whatever the answers, and its latency runs from that
moment, so a server falling behind shows as queueing, not as a lower rate. Every minute it records the answers,
errors and latency percentiles of that minute and the server's VmRSS, RssAnon (heap: what a leak grows) and
RssFile (mostly LMDB's memory map, which grows with the data) into DIR/soak.csv and DIR/soak.json.

Fails (exit 1) when, after the warm-up (the first sixth of the run, at least one minute):
  - RssAnon grows more than 25 % + 32 MiB over its value at the end of the warm-up, or
  - p99 drifts: the median p99 of the last third is more than 3 × the median p99 of the first third after warm-up,
  - or any answer is an error (non-2xx or no answer).
"""

import argparse
import csv
import json
import os
import queue
import random
import re
import sys
import tempfile
import threading
import time
import shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cus_server  # noqa: E402
from cus_server import DriverFailure  # noqa: E402

VIEWS = ["PlanStatusView", "CoordinatorCaseload", "ApplicationQueue", "ProviderWorkload", "FeeLedgerView"]
RSS_GROWTH_FRACTION = 0.25
RSS_GROWTH_KIB = 32 * 1024
P99_DRIFT_FACTOR = 3.0


class Mix:
    """The documented mix, with the demo's tokens, programme, plans and persons."""

    def __init__(self, tokens, programme, plans):
        self.tokens, self.programme, self.plans = tokens, programme, plans

    def request(self, rng):
        """(kind, method, path, token, body, headers)."""
        draw = rng.randint(1, 100)
        if draw <= 70:
            view = rng.choice(VIEWS)
            return "view", "GET", f"/v1/views/{view}?limit=20&offset={rng.randint(0, 40)}", \
                self.tokens["director"], None, None
        if draw <= 80:
            return "plan", "GET", f"/v1/plans/{rng.choice(self.plans)}", self.tokens["director"], None, None
        if draw <= 90:
            return "indicators", "GET", \
                f"/v1/programmes/{self.programme}/indicators?from=2025-01-01&to=2025-07-01", \
                self.tokens["evaluator"], None, None
        _, path, body = cus_server.register_person_request()
        return "registration", "POST", path, self.tokens["intakeClerk"], body, \
            {"Idempotency-Key": cus_server.uuid7()}


class Minute:
    def __init__(self):
        self.latencies = []
        self.errors = 0
        self.last_error = None
        self.kinds = {}


class Soak:
    def __init__(self, arguments):
        self.a = arguments
        self.work = tempfile.mkdtemp(prefix="cus-soak.")
        self.log = os.path.join(self.work, "serve.log")
        self.due = queue.Queue()
        self.lock = threading.Lock()
        self.minutes = {}
        self.stop = threading.Event()

    def start_server(self):
        port = cus_server.free_port()
        self.server = cus_server.Server(self.a.cus, os.path.join(self.work, "data"), port, self.log, ["--demo"])
        print(f"starting cus serve --demo on port {port} (log {self.log})", flush=True)
        print(f"ready in {self.server.start(ready_timeout=900):.1f} s", flush=True)
        with open(self.log) as log:
            text = log.read()
        tokens = dict(re.findall(r"^\s+(\w+)\s+(\S{20,})$", text, re.MULTILINE))
        programme = re.search(r"programmes/([0-9a-f-]{36})", text).group(1)
        client = cus_server.Client(port)
        rows = client.json("GET", "/v1/views/PlanStatusView?limit=100", tokens["director"])[0]["rows"]
        client.close()
        plans = sorted({row["planId"] for row in rows})
        if not plans:
            raise DriverFailure("the demo has no plans to read")
        self.mix = Mix(tokens, programme, plans)
        self.port = port

    def worker(self):
        client = cus_server.Client(self.port, timeout=60)
        rng = random.Random()
        while True:
            item = self.due.get()
            if item is None:
                break
            due_at, minute = item
            kind, method, path, token, body, headers = self.mix.request(rng)
            error = None
            try:
                status, _, payload = client.request(method, path, token, body, headers)
                if status >= 300:
                    error = f"{kind} {status} {payload[:200]!r}"
            except Exception as failure:  # no answer: counted, the soak goes on
                error = f"{kind} {type(failure).__name__}: {failure}"
            latency_ms = (time.monotonic() - due_at) * 1000
            with self.lock:
                record = self.minutes.setdefault(minute, Minute())
                record.latencies.append(latency_ms)
                record.kinds[kind] = record.kinds.get(kind, 0) + 1
                if error:
                    record.errors += 1
                    record.last_error = error
        client.close()

    def schedule(self, started, seconds):
        """Open loop: request i is due at started + i / rate."""
        index = 0
        while True:
            due_at = started + index / self.a.rate
            if due_at - started >= seconds:
                return
            delay = due_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.due.put((due_at, int((due_at - started) // 60)))
            index += 1

    def sample_memory(self, started, samples):
        """The server's memory at the end of each minute."""
        for minute in range(self.a.minutes):
            time.sleep(max(0, started + (minute + 1) * 60 - time.monotonic()))
            samples[minute] = self.server.memory()

    def run(self):
        self.start_server()
        threads = [threading.Thread(target=self.worker) for _ in range(self.a.workers)]
        for thread in threads:
            thread.start()
        samples = {}
        started = time.monotonic()
        sampler = threading.Thread(target=self.sample_memory, args=(started, samples))
        sampler.start()
        self.schedule(started, self.a.minutes * 60)
        sampler.join()
        for _ in threads:
            self.due.put(None)
        for thread in threads:
            thread.join()
        status = self.server.stop()
        rows = self.rows(samples)
        self.write(rows)
        return self.judge(rows, status)

    def rows(self, samples):
        rows = []
        for minute in range(self.a.minutes):
            record = self.minutes.get(minute, Minute())
            latencies = sorted(record.latencies)
            memory = samples.get(minute, {})
            rows.append({
                "minute": minute + 1, "requests": len(latencies), "rps": round(len(latencies) / 60, 1),
                "errors": record.errors,
                "p50ms": round(cus_server.percentile(latencies, 0.50) or 0, 2),
                "p90ms": round(cus_server.percentile(latencies, 0.90) or 0, 2),
                "p99ms": round(cus_server.percentile(latencies, 0.99) or 0, 2),
                "maxms": round(latencies[-1] if latencies else 0, 1),
                "rssKiB": memory.get("VmRSS"), "rssAnonKiB": memory.get("RssAnon"),
                "rssFileKiB": memory.get("RssFile"),
                "registrations": record.kinds.get("registration", 0), "lastError": record.last_error or "",
            })
        return rows

    def write(self, rows):
        os.makedirs(self.a.out, exist_ok=True)
        with open(os.path.join(self.a.out, "soak.csv"), "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        with open(os.path.join(self.a.out, "soak.json"), "w") as file:
            json.dump({"rate": self.a.rate, "minutes": self.a.minutes, "workers": self.a.workers, "rows": rows},
                      file, indent=1)

    def judge(self, rows, stop_status):
        warm = max(1, self.a.minutes // 6)
        after = rows[warm:]
        third = max(1, len(after) // 3)

        def median(values):
            values = sorted(values)
            return values[len(values) // 2]

        baseline_rss = rows[warm - 1]["rssAnonKiB"]
        peak_rss = max(row["rssAnonKiB"] for row in after)
        rss_bound = baseline_rss * (1 + RSS_GROWTH_FRACTION) + RSS_GROWTH_KIB
        first_p99 = median([row["p99ms"] for row in after[:third]])
        last_p99 = median([row["p99ms"] for row in after[-third:]])
        errors = sum(row["errors"] for row in rows)
        requests = sum(row["requests"] for row in rows)
        print(f"| minute | requests/s | errors | p50 ms | p90 ms | p99 ms | max ms | VmRSS MiB | RssAnon MiB "
              f"| RssFile MiB |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for row in rows:
            print(f"| {row['minute']} | {row['rps']} | {row['errors']} | {row['p50ms']} | {row['p90ms']} "
                  f"| {row['p99ms']} | {row['maxms']} | {row['rssKiB'] / 1024:.1f} | {row['rssAnonKiB'] / 1024:.1f} "
                  f"| {row['rssFileKiB'] / 1024:.1f} |")
        failures = []
        if peak_rss > rss_bound:
            failures.append(f"RssAnon grew to {peak_rss / 1024:.1f} MiB, over the bound {rss_bound / 1024:.1f} MiB "
                            f"(warm-up end {baseline_rss / 1024:.1f} MiB + 25 % + 32 MiB)")
        if last_p99 > P99_DRIFT_FACTOR * first_p99:
            failures.append(f"p99 drifted from {first_p99} ms to {last_p99} ms (more than {P99_DRIFT_FACTOR} x)")
        if errors:
            last = next(row["lastError"] for row in reversed(rows) if row["lastError"])
            failures.append(f"{errors} errors; last: {last}")
        if stop_status != 0:
            failures.append(f"cus serve exited {stop_status} after SIGTERM")
        summary = {"minutes": self.a.minutes, "rateTarget": self.a.rate, "requests": requests,
                   "rateAchieved": round(requests / (60 * self.a.minutes), 1), "errors": errors,
                   "warmUpMinutes": warm, "rssAnonWarmUpMiB": round(baseline_rss / 1024, 1),
                   "rssAnonPeakMiB": round(peak_rss / 1024, 1), "rssAnonBoundMiB": round(rss_bound / 1024, 1),
                   "vmRssFirstMiB": round(rows[0]["rssKiB"] / 1024, 1),
                   "vmRssLastMiB": round(rows[-1]["rssKiB"] / 1024, 1),
                   "p99FirstThirdMs": first_p99, "p99LastThirdMs": last_p99,
                   "p99DriftFactor": round(last_p99 / first_p99, 2) if first_p99 else None,
                   "ok": not failures}
        print("SUMMARY " + json.dumps(summary), flush=True)
        print(f"per-minute figures: {self.a.out}/soak.csv, {self.a.out}/soak.json")
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return not failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cus")
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--rate", type=float, default=50, help="requests per second, open loop")
    parser.add_argument("--workers", type=int, default=16, help="connections")
    parser.add_argument("--out", default=os.path.join(os.getcwd(), "soak-results"))
    arguments = parser.parse_args()
    if arguments.minutes < 2:
        parser.error("--minutes must be at least 2 (a warm-up minute and one measured)")
    soak = Soak(arguments)
    try:
        ok = soak.run()
    except DriverFailure as failure:
        print(f"FAILED: {failure} (log: {soak.log})", file=sys.stderr)
        sys.exit(1)
    finally:
        soak.server.kill() if hasattr(soak, "server") else None
    shutil.rmtree(soak.work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
