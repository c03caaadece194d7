"""Shared by Tools/crash-loop-server and Tools/soak (stdlib only): starting and stopping `cus serve`, tokens, a
keep-alive HTTP client, UUIDv7 idempotency keys, the commands the drivers send and the server's memory.

Ports: CUS_PORTS=LOW-HIGH restricts the listening port to that range (for shared machines); otherwise any free
loopback port.
"""

import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import time
import uuid


class DriverFailure(Exception):
    """A check failed or the server misbehaved: the message says what, the driver exits 1."""


def free_port():
    low, high = 0, 0
    if os.environ.get("CUS_PORTS"):
        low, high = (int(part) for part in os.environ["CUS_PORTS"].split("-"))
    for port in random.sample(range(low, high + 1), high - low + 1) if high else [0]:
        probe = socket.socket()
        try:
            probe.bind(("127.0.0.1", port))
            return probe.getsockname()[1]
        except OSError:
            continue
        finally:
            probe.close()
    raise DriverFailure(f"no free port in CUS_PORTS={os.environ.get('CUS_PORTS')}")


def uuid7():
    """RFC 9562 version 7: 48-bit milliseconds, then random bits (the recommended Idempotency-Key)."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    value = value & ~(0xF << 76) | (0x7 << 76)
    value = value & ~(0x3 << 62) | (0x2 << 62)
    return str(uuid.UUID(int=value))


def run_cus(cus, *args, check=True, timeout=600):
    """Runs one CLI command; returns its stdout (raises DriverFailure with stderr on a non-zero exit)."""
    done = subprocess.run([cus, *args], capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise DriverFailure(f"cus {' '.join(args[:3])} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done


def create_token(cus, data, role):
    return run_cus(cus, "tokens", "create", "--data", data, "--role", role, "--subject", str(uuid.uuid4())) \
        .stdout.strip()


class Client:
    """One keep-alive connection (one per thread). `request` returns (status, headers, body bytes) or raises
    OSError / http.client errors when the server is gone."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.connection = None

    def request(self, method, path, token=None, body=None, headers=None):
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.connection.request(method, path, body=payload, headers=all_headers)
            response = self.connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        except BaseException:
            self.close()
            raise

    def json(self, method, path, token=None, body=None, headers=None, expect=200):
        status, answer_headers, payload = self.request(method, path, token, body, headers)
        if status != expect:
            raise DriverFailure(f"{method} {path}: {status} {payload[:500]!r}")
        return json.loads(payload), answer_headers

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Server:
    """`cus serve` as a child process in its own process group, its output appended to `log`."""

    def __init__(self, cus, data, port, log, extra=()):
        self.cus, self.data, self.port, self.log, self.extra = cus, data, port, log, list(extra)
        self.process = None

    def start(self, ready_timeout=300):
        """Starts the server and waits for /ready; returns the seconds from spawn to ready."""
        started = time.monotonic()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [self.cus, "serve", "--data", self.data, "--port", str(self.port), *self.extra],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = Client(self.port, timeout=5)
        while time.monotonic() - started < ready_timeout:
            if self.process.poll() is not None:
                raise DriverFailure(f"cus serve exited {self.process.returncode} while starting (log: {self.log})")
            try:
                status, _, _ = client.request("GET", "/ready")
                if status == 200:
                    client.close()
                    return time.monotonic() - started
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.02)
        raise DriverFailure(f"cus serve not ready after {ready_timeout} s (log: {self.log})")

    def kill(self):
        """SIGKILL, and reap."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        if self.process:
            self.process.wait()
        self.process = None

    def stop(self, timeout=120):
        """SIGTERM; the exit status (0 for a clean shutdown)."""
        if not self.process:
            return 0
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9
        self.process = None
        return status

    def memory(self):
        """VmRSS, RssAnon and RssFile in KiB from /proc (file pages are mostly LMDB's memory map)."""
        fields = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "RssAnon", "RssFile"):
                    fields[name] = int(value.split()[0])
        return fields


def register_person_request():
    """POST /v1/persons for a new resident (Tools/load-bench.d/common.lua's command)."""
    person = str(uuid.uuid4())
    body = {"personRef": person, "purposeTags": ["intake"],
            "identity": {"givenName": "Zofia", "familyName": "Nowakowska", "sex": "female", "ageBand": "75plus",
                         "district": "d-03"}}
    return person, "/v1/persons", body


def need_signal_request(person):
    """POST /v1/applications/{new id}/need-signals for a known resident (load-bench's signal)."""
    body = {"personRef": person, "source": "family", "channel": "phone", "signalledOn": "2025-04-10",
            "description": "needs help with shopping"}
    return f"/v1/applications/{uuid.uuid4()}/need-signals", body


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * fraction // 1))
    return sorted_values[int(rank) - 1]
