#!/usr/bin/env python3
"""Random single-byte flips in a ledger's data file, each checked by `cus ledger verify` in its own process.

Issue 13 / ledger.md §6 ("corrupted byte"): every flip that changes what LMDB returns for a record, an index
entry, a Merkle tile, a checkpoint or the ledger's meta must make verify fail (non-zero exit, never "OK").
Whether a flip changes anything is decided independently of verify: `mdb_dump -a` of the damaged file is
compared with the pristine file's dump (a dump that differs or fails means a reader sees a change). Flips in
bytes no read looks at (page slack, node padding, free pages, bits LMDB ignores) leave the dump unchanged and
may pass. LMDB's own meta pages and branch-page keys (separators a cursor scan never reads, used by lookups)
are reported apart: a meta-page flip can select the previous snapshot, an older but consistent ledger that
only a checkpoint held outside the machine (`cus audit trust`) can tell from the current one. Two `meta` values
are reported apart too: `ledgerId` (random bits) and `lmdbVersionAtCreate` (the LMDB version the ledger was
created with) are written once, read by nothing and repeated nowhere, so verify checks their form (a version-4
id, LMDB's version text) and a flip that keeps the form cannot be told from the original.

Usage: survey.py CUS_BINARY [--flips N] [--events N] [--seed S] [--jobs J] [--json FILE]
Exit status: 0 when no must-detect flip passed verify, 1 otherwise, 2 on a setup error.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmdb_pages  # noqa: E402

INDEX_DATABASES = {"streams", "byType", "byCategory", "eventIds"}
INFORMATIONAL_META_VALUES = {"value:ledgerId", "value:lmdbVersionAtCreate"}
STRUCTURE_PARTS = {"page-number", "page-pad", "page-flags", "page-bounds", "pointers", "node-child", "overflow-count"}
# What a flip in each category must do: "detect" = verify must fail; "report" = either outcome is reported.
EXPECTATION = {
    "record": "detect",
    "index": "detect",
    "merkle-tile": "detect",
    "checkpoint": "detect",
    "ledger-meta": "detect",
    "database-catalogue": "detect",
    "btree-structure": "detect",
    "branch-key": "report",
    "lmdb-meta-page": "report",
    "meta-informational": "report",
    "free-list": "report",
    "no-data": "report",
}


def category(database: str, kind: str, part: str) -> str:
    if part in ("slack", "unused"):
        return "no-data"
    if kind == "meta":
        return "lmdb-meta-page"
    if database == "free":
        return "free-list"
    if kind == "branch" and part == "key":
        return "branch-key"
    if part in STRUCTURE_PARTS or kind == "branch":
        return "btree-structure"
    if database == "main":
        return "database-catalogue"
    if database == "events":
        return "record"
    if database in INDEX_DATABASES:
        return "index"
    if database == "merkle":
        return "merkle-tile"
    if database == "checkpoints":
        return "checkpoint"
    if database == "meta":
        return "meta-informational" if part in INFORMATIONAL_META_VALUES else "ledger-meta"
    return f"other:{database}"


@dataclass
class Flip:
    offset: int
    mask: int
    category: str
    where: str
    outcome: str = ""
    detail: str = ""
    changed: bool = False  # mdb_dump of the damaged file differs from the pristine dump, or fails


def dump(ledger_dir: str, timeout: float) -> bytes | None:
    """Every database's keys and values as `mdb_dump -a` prints them, or None when it fails."""
    try:
        done = subprocess.run(["mdb_dump", "-a", ledger_dir], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return done.stdout if done.returncode == 0 else None


def run_verify(cus: str, data_dir: str, signing_key: str, timeout: float) -> tuple[str, str]:
    try:
        done = subprocess.run(
            [cus, "ledger", "verify", "--data", data_dir, "--signing-key", signing_key, "--json"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "hang", f"no answer in {timeout:.0f} s"
    if done.returncode == 0:
        return "passed", ""
    if done.returncode < 0:
        return "crashed", f"signal {-done.returncode}"
    try:
        report = json.loads(done.stdout)
        first = report.get("problems", [{}])[0] if report.get("problems") else {}
        return "detected", f"{first.get('check', '?')} at {report.get('firstBadPosition')}"
    except (json.JSONDecodeError, AttributeError):
        reason = (done.stderr.strip().splitlines() or ["?"])[-1]
        # A read that faulted on a damaged page, reported by verify's fault handler (exit 1, one line).
        outcome = "faulted" if reason.startswith("NOT OK: reading the ledger faulted") else "refused"
        return outcome, f"exit {done.returncode}: {reason[:160]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cus")
    parser.add_argument("--flips", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()
    print(f"tamper survey: {args.flips} flips, {args.events} events, seed {args.seed}", flush=True)

    scratch = tempfile.mkdtemp(prefix="cus-tamper-")
    try:
        return survey(args, scratch)
    except lmdb_pages.LayoutError as error:
        print(f"tamper survey: cannot read the data file: {error}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def survey(args: argparse.Namespace, scratch: str) -> int:
    template = os.path.join(scratch, "template")
    subprocess.run(
        [args.cus, "ledger", "seed", "--data", template, "--events", str(args.events), "--streams", "100"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    signing_key = template + ".keys/signing.key"
    outcome, detail = run_verify(args.cus, template, signing_key, args.timeout)
    if outcome != "passed":
        print(f"tamper survey: the untouched ledger does not verify: {detail}", file=sys.stderr)
        return 2
    pristine = open(os.path.join(template, "ledger", "data.mdb"), "rb").read()
    pristine_dump = dump(os.path.join(template, "ledger"), args.timeout)
    if pristine_dump is None:
        print("tamper survey: mdb_dump cannot read the untouched ledger (is lmdb-utils installed?)", file=sys.stderr)
        return 2
    layout = lmdb_pages.read_layout(pristine)

    rng = random.Random(args.seed)
    flips = []
    for _ in range(args.flips):
        offset = rng.randrange(len(pristine))
        database, kind, part = layout.classify(offset)
        flips.append(Flip(offset, rng.randrange(1, 256), category(database, kind, part), f"{database}/{kind}/{part}"))

    workers = [os.path.join(scratch, f"worker{index}") for index in range(max(1, args.jobs))]
    for worker in workers:
        shutil.copytree(template, worker)

    def check(worker: str, flip: Flip) -> None:
        damaged = bytearray(pristine)
        damaged[flip.offset] ^= flip.mask
        with open(os.path.join(worker, "ledger", "data.mdb"), "wb") as file:
            file.write(damaged)
        flip.changed = dump(os.path.join(worker, "ledger"), args.timeout) != pristine_dump
        flip.outcome, flip.detail = run_verify(args.cus, worker, signing_key, args.timeout)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(workers)) as pool:
        for start in range(0, len(flips), len(workers)):
            chunk = flips[start : start + len(workers)]
            list(pool.map(check, workers[: len(chunk)], chunk))
            if (start // len(workers)) % 250 == 0:
                print(f"  {start + len(chunk)}/{len(flips)} flips checked", flush=True)
    elapsed = time.monotonic() - started
    return report(args, flips, layout, elapsed)


def report(args: argparse.Namespace, flips: list[Flip], layout: lmdb_pages.Layout, elapsed: float) -> int:
    outcomes = ["detected", "refused", "faulted", "crashed", "hang", "passed"]
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for flip in flips:
        table[flip.category][flip.outcome] += 1
        table[flip.category]["changed"] += flip.changed
    missed = [
        flip
        for flip in flips
        if flip.changed and flip.outcome == "passed" and EXPECTATION.get(flip.category, "detect") == "detect"
    ]
    print(f"\n{len(flips)} flips in {elapsed:.0f} s; data file {layout.last_page + 1} pages of {layout.page_size} B")
    print(f"{'where the byte sat':<20} {'must':<7} {'flips':>6} {'changed':>8} " + " ".join(f"{o:>9}" for o in outcomes))
    for name in sorted(table, key=lambda n: (EXPECTATION.get(n, "detect") != "detect", n)):
        counts = table[name]
        flips_here = sum(counts[o] for o in outcomes)
        print(
            f"{name:<20} {EXPECTATION.get(name, 'detect'):<7} {flips_here:>6} {counts['changed']:>8} "
            + " ".join(f"{counts[o]:>9}" for o in outcomes)
        )
    print("must = detect: a flip that changes the dump must fail verify; changed = the dump differed or failed;")
    print("detected = verify's report names a problem; refused = verify stopped with a one-line error; faulted = a")
    print("read faulted on the damaged page and verify said NOT OK; crashed = killed by a signal without a verdict")
    for flip in missed[:20]:
        print(f"MISSED: offset {flip.offset} ({flip.where}) xor {flip.mask:#04x}: the dump changed, verify passed")
    for flip in [flip for flip in flips if flip.outcome in ("crashed", "hang")][:20]:
        print(f"{flip.outcome}: offset {flip.offset} ({flip.where}) xor {flip.mask:#04x}: {flip.detail}")
    if args.json_path:
        with open(args.json_path, "w") as file:
            json.dump(
                {
                    "seed": args.seed,
                    "events": args.events,
                    "flips": len(flips),
                    "seconds": round(elapsed, 1),
                    "byCategory": {name: dict(counts) for name, counts in table.items()},
                    "missed": [flip.__dict__ for flip in missed],
                    "crashedOrHung": [flip.__dict__ for flip in flips if flip.outcome in ("crashed", "hang")],
                    "passedWithChange": [
                        flip.__dict__ for flip in flips if flip.changed and flip.outcome == "passed"
                    ],
                },
                file,
                indent=1,
            )
    print("every must-detect flip was detected" if not missed else f"{len(missed)} must-detect flips passed verify")
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
