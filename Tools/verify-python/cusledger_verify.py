#!/usr/bin/env python3
"""Independent verifier for CUSLedger ledgers, exports and test vectors.

Written from Schemas/ledger-record.md alone (ledger.md G8), with the standard library plus the PyPI
packages `lmdb` and `cryptography`. Section numbers below (§…) refer to that document.

    cusledger_verify.py vectors SCHEMAS_DIR
    cusledger_verify.py ledger DATA_DIR [--vkey VKEY]
    cusledger_verify.py export FILE.jsonl [--checkpoint FILE] [--vkey VKEY]

VKEY is a verifier key in vkey form (`<name>+<hex id>+<base64>`) or a file holding one. Exit status 0 when
everything checks, 1 with a one-line reason on stderr otherwise (2 for a usage error).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from typing import Callable, Iterator, Optional


class Failure(Exception):
    """A check failed; the message is the one-line reason."""


def require(condition: bool, reason: str) -> None:
    if not condition:
        raise Failure(reason)


def sha256(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.digest()


def b64decode(text: object, what: str) -> bytes:
    """Standard base64 with padding, canonical spelling only (the doc's conventions)."""
    require(isinstance(text, str), f"{what} is not a string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Failure(f"{what} is not base64") from None
    require(base64.b64encode(raw).decode("ascii") == text, f"{what} is not canonical base64")
    return raw


def b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def uuid_text(raw: bytes) -> str:
    h = raw.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def uuid_bytes(text: str) -> bytes:
    require(isinstance(text, str) and UUID_TEXT.match(text) is not None, f"not a canonical UUID: {text!r}")
    return bytes.fromhex(text.replace("-", ""))


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def rfc3339(micros: int) -> str:
    """§1.1: RFC 3339 UTC, six fractional digits, floor division, proleptic Gregorian."""
    seconds, fraction = divmod(micros, 1_000_000)
    days, second_of_day = divmod(seconds, 86_400)
    try:
        date = datetime.date(1970, 1, 1) + datetime.timedelta(days=days)
    except OverflowError:
        raise Failure(f"recordedAt {micros} has no RFC 3339 form (year outside 0001…9999)") from None
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    return (f"{date.year:04d}-{date.month:02d}-{date.day:02d}T"
            f"{hour:02d}:{minute:02d}:{second:02d}.{fraction:06d}Z")


# --------------------------------------------------------------------------------------------------
# §1 Record format v1

CATEGORY_ALPHABET = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")
TYPE_ALPHABET = CATEGORY_ALPHABET | frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ.")
ZERO_ID = bytes(16)
FLAG_ENCRYPTED = 0x01
AEAD_NAMES = {1: "ChaCha20-Poly1305", 2: "AES-256-GCM"}
PAYLOAD_MAX = 65_536
SEALED_MIN, SEALED_MAX = 16, 65_552


class Rejected(Failure):
    """Bytes that are not a valid v1 record (§1.2)."""


@dataclass(frozen=True)
class Sealed:
    key_id: bytes
    aead: int
    nonce: bytes
    data: bytes  # ciphertext ‖ 16-byte tag


@dataclass(frozen=True)
class Record:
    position: int
    stream_uuid: bytes
    stream_version: int
    event_id: bytes
    recorded_at: int
    correlation_id: Optional[bytes]
    causation_id: Optional[bytes]
    schema_version: int
    category: str
    event_type: str
    actor: str
    payload: bytes
    sealed: Optional[Sealed]

    @property
    def stream(self) -> str:
        return f"{self.category}-{uuid_text(self.stream_uuid)}"

    @property
    def stream_key(self) -> bytes:
        """(category, streamUUID): what makes two records the same stream."""
        name = self.category.encode("ascii")
        return bytes([len(name)]) + name + self.stream_uuid


class _Bytes:
    """Reads fields front to back; running past the end rejects the record (§1.2 rule 1)."""

    def __init__(self, data: bytes):
        self.data = data
        self.at = 0

    def take(self, count: int, field: str) -> bytes:
        if self.at + count > len(self.data):
            raise Rejected(f"record ends inside {field}")
        chunk = self.data[self.at:self.at + count]
        self.at += count
        return chunk

    def number(self, size: int, field: str, signed: bool = False) -> int:
        return int.from_bytes(self.take(size, field), "big", signed=signed)


def decode_record(data: bytes, position: Optional[int] = None) -> Record:
    """Decodes one record, applying every rule of §1.2 (`position` = the key it was stored under)."""
    data = bytes(data)
    r = _Bytes(data)
    version = r.number(2, "formatVersion")
    if version != 1:
        raise Rejected(f"unsupported formatVersion {version}")
    flags = r.number(1, "flags")
    if flags & ~FLAG_ENCRYPTED:
        raise Rejected(f"unknown flag bits 0x{flags:02x}")
    stored_position = r.number(8, "position")
    if position is not None and stored_position != position:
        raise Rejected(f"position field {stored_position} under key {position}")
    stream_uuid = r.take(16, "streamUUID")
    stream_version = r.number(8, "streamVersion")
    event_id = r.take(16, "eventId")
    recorded_at = r.number(8, "recordedAt", signed=True)
    correlation = r.take(16, "correlationId")
    causation = r.take(16, "causationId")
    schema_version = r.number(2, "schemaVersion")
    if schema_version < 1:
        raise Rejected("schemaVersion 0")

    def name(field: str, longest: int, alphabet: frozenset) -> str:
        length = r.number(1, f"{field} length")
        if not 1 <= length <= longest:
            raise Rejected(f"{field} length {length} outside 1…{longest}")
        raw = r.take(length, field)
        if any(byte not in alphabet for byte in raw):
            raise Rejected(f"{field} has a byte outside its alphabet")
        return raw.decode("ascii")

    category = name("category", 32, CATEGORY_ALPHABET)
    event_type = name("eventType", 64, TYPE_ALPHABET)
    actor_length = r.number(1, "actor length")
    if actor_length > 64:
        raise Rejected(f"actor length {actor_length} over 64")
    try:
        actor = r.take(actor_length, "actor").decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Rejected("actor is not well-formed UTF-8") from None
    payload_length = r.number(4, "payload length")
    if payload_length > PAYLOAD_MAX:
        raise Rejected(f"payload length {payload_length} over {PAYLOAD_MAX}")
    payload = r.take(payload_length, "payload")
    sealed = None
    if flags & FLAG_ENCRYPTED:
        key_id = r.take(16, "keyId")
        aead = r.number(1, "aead")
        if aead not in AEAD_NAMES:
            raise Rejected(f"unknown aead {aead}")
        nonce = r.take(12, "nonce")
        sealed_length = r.number(4, "sealed length")
        if not SEALED_MIN <= sealed_length <= SEALED_MAX:
            raise Rejected(f"sealed length {sealed_length} outside {SEALED_MIN}…{SEALED_MAX}")
        sealed = Sealed(key_id, aead, nonce, r.take(sealed_length, "sealed"))
    if r.at != len(data):
        raise Rejected(f"{len(data) - r.at} byte(s) after the last field")
    return Record(
        position=stored_position, stream_uuid=stream_uuid, stream_version=stream_version, event_id=event_id,
        recorded_at=recorded_at, correlation_id=None if correlation == ZERO_ID else correlation,
        causation_id=None if causation == ZERO_ID else causation, schema_version=schema_version,
        category=category, event_type=event_type, actor=actor, payload=payload, sealed=sealed)


def encode_record(record: Record) -> bytes:
    """§1.1 in the other direction; a decoded record must re-encode to its own bytes (§1.2)."""
    category = record.category.encode("ascii")
    event_type = record.event_type.encode("ascii")
    actor = record.actor.encode("utf-8")
    out = bytearray()
    out += (1).to_bytes(2, "big")
    out.append(FLAG_ENCRYPTED if record.sealed else 0)
    out += u64(record.position) + record.stream_uuid + u64(record.stream_version) + record.event_id
    out += record.recorded_at.to_bytes(8, "big", signed=True)
    out += (record.correlation_id or ZERO_ID) + (record.causation_id or ZERO_ID)
    out += record.schema_version.to_bytes(2, "big")
    for short in (category, event_type, actor):
        out.append(len(short))
        out += short
    out += len(record.payload).to_bytes(4, "big") + record.payload
    if record.sealed:
        s = record.sealed
        out += s.key_id + bytes([s.aead]) + s.nonce + len(s.data).to_bytes(4, "big") + s.data
    return bytes(out)


# --------------------------------------------------------------------------------------------------
# §1.3 Sealed part

def sealing_aad(record: Record) -> bytes:
    require(record.sealed is not None, "record is not sealed")
    category = record.category.encode("ascii")
    event_type = record.event_type.encode("ascii")
    return (b"CUSL1" + record.event_id + record.stream_uuid + bytes([len(category)]) + category
            + bytes([len(event_type)]) + event_type + record.schema_version.to_bytes(2, "big")
            + record.sealed.key_id + bytes([record.sealed.aead]))


def open_sealed(record: Record, data_key: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

    sealed = record.sealed
    require(sealed is not None, "record is not sealed")
    cipher = ChaCha20Poly1305(data_key) if sealed.aead == 1 else AESGCM(data_key)
    try:
        return cipher.decrypt(sealed.nonce, sealed.data, sealing_aad(record))
    except InvalidTag:
        raise Failure(f"the sealed part at position {record.position} does not open under its key and AAD") from None


# --------------------------------------------------------------------------------------------------
# §3 Merkle tree

EMPTY_ROOT = sha256(b"")


def leaf_hash(record: bytes) -> bytes:
    return sha256(b"\x00", record)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01", left, right)


def split_point(n: int) -> int:
    """The largest power of two strictly below n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def mth(leaves: list) -> bytes:
    """MTH by its recursive definition; for small trees and cross-checks."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split_point(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def audit_path(index: int, leaves: list) -> list:
    """RFC 6962 §2.1.1 PATH(m, D[n]), lowest sibling first."""
    if len(leaves) <= 1:
        return []
    k = split_point(len(leaves))
    if index < k:
        return audit_path(index, leaves[:k]) + [mth(leaves[k:])]
    return audit_path(index - k, leaves[k:]) + [mth(leaves[:k])]


def consistency_path(old: int, leaves: list) -> list:
    """RFC 6962 §2.1.2 PROOF(m, D[n]) (empty when m = n)."""
    def subproof(m: int, tree: list, complete: bool) -> list:
        if m == len(tree):
            return [] if complete else [mth(tree)]
        k = split_point(len(tree))
        if m <= k:
            return subproof(m, tree[:k], complete) + [mth(tree[k:])]
        return subproof(m - k, tree[k:], False) + [mth(tree[:k])]
    return subproof(old, leaves, True)


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list) -> bytes:
    """RFC 9162 §2.1.3.2, returning the computed root."""
    require(0 <= index < size, f"leaf index {index} outside a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        require(sn != 0, "inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    require(sn == 0, "inclusion proof too short")
    return r


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: list) -> None:
    """RFC 9162 §2.1.4.2; old size 0 is refused (§3), equal sizes need an empty proof and equal roots."""
    require(0 < old_size <= new_size, f"consistency sizes {old_size} → {new_size} are not 0 < old ≤ new")
    if old_size == new_size:
        require(not path and old_root == new_root, "equal sizes need an empty proof and equal roots")
        return
    if old_size & (old_size - 1) == 0:
        path = [old_root] + list(path)
    require(len(path) > 0, "consistency proof is empty")
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        require(sn != 0, "consistency proof too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    require(sn == 0, "consistency proof too short")
    require(fr == old_root, "consistency proof does not lead to the old root")
    require(sr == new_root, "consistency proof does not lead to the new root")


class CompactRange:
    """The subtree roots covering leaves 0…size−1, largest first (§3 "compact range", meta.frontier §4.3).

    `push` reports every node it completes as (level, index, hash), leaf first: the tiles' contents."""

    def __init__(self) -> None:
        self.size = 0
        self.roots: list = []

    def push(self, leaf: bytes, report: Optional[Callable[[int, int, bytes], None]] = None) -> None:
        level, index, value = 0, self.size, leaf
        if report:
            report(level, index, value)
        while index & 1:
            value = node_hash(self.roots.pop(), value)
            level += 1
            index >>= 1
            if report:
                report(level, index, value)
        self.roots.append(value)
        self.size += 1

    def root(self) -> bytes:
        if not self.roots:
            return EMPTY_ROOT
        value = self.roots[-1]
        for left in reversed(self.roots[:-1]):
            value = node_hash(left, value)
        return value

    def serialized(self) -> bytes:
        return u64(self.size) + b"".join(self.roots)


def parse_frontier(value: bytes) -> tuple:
    """`size u64 ‖ popcount(size) × 32 bytes` (§4.3) → (size, root)."""
    require(len(value) >= 8, "meta frontier is shorter than 8 bytes")
    size = int.from_bytes(value[:8], "big")
    count = bin(size).count("1")
    require(len(value) == 8 + 32 * count, f"meta frontier has {len(value)} bytes; size {size} needs {8 + 32 * count}")
    roots = [value[8 + 32 * i:8 + 32 * (i + 1)] for i in range(count)]
    folded = CompactRange()
    folded.size, folded.roots = size, roots
    return size, folded.root()


# --------------------------------------------------------------------------------------------------
# §5 Checkpoints

SIGNATURE_PREFIX = "\u2014 "
NOTE_MAX = 1 << 20


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: int
    public_key: bytes


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    body: bytes
    signatures: tuple  # (name, key id, signature bytes)


def valid_key_name(name: str) -> bool:
    return (0 < len(name.encode("utf-8")) <= 256
            and all(ord(ch) > 0x20 and ord(ch) != 0x7F and ch != "+" for ch in name))


def key_id(name: str, public_key: bytes) -> int:
    return int.from_bytes(sha256(name.encode("utf-8"), b"\x0a\x01", public_key)[:4], "big")


def parse_vkey(text: str) -> VerifierKey:
    parts = text.strip().split("+", 2)  # the base64 may itself contain '+'; the name may not
    require(len(parts) == 3, "a vkey is <name>+<hex id>+<base64>")
    name, hex_id, blob_text = parts
    require(valid_key_name(name), "the vkey's name is empty or has spaces")
    require(re.fullmatch(r"[0-9a-f]{8}", hex_id) is not None, "the vkey's id is not 8 lowercase hex digits")
    blob = b64decode(blob_text, "the vkey's key")
    require(len(blob) == 33 and blob[0] == 0x01, "the vkey is not an Ed25519 key (0x01 ‖ 32 bytes)")
    require(key_id(name, blob[1:]) == int(hex_id, 16), "the vkey's id does not match its name and key")
    return VerifierKey(name, int(hex_id, 16), blob[1:])


def parse_private_key(text: str) -> tuple:
    """`PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>` → (name, key id, seed, public key)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    parts = text.strip().split("+", 4)
    require(len(parts) == 5 and parts[0] == "PRIVATE" and parts[1] == "KEY", "not a PRIVATE+KEY+… key")
    name, hex_id = parts[2], parts[3]
    require(valid_key_name(name) and re.fullmatch(r"[0-9a-f]{8}", hex_id) is not None, "malformed private key")
    blob = b64decode(parts[4], "the private key")
    require(len(blob) == 33 and blob[0] == 0x01, "the private key is not an Ed25519 seed")
    seed = blob[1:]
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    require(key_id(name, public) == int(hex_id, 16), "the private key's id does not match its key")
    return name, int(hex_id, 16), seed, public


def parse_checkpoint(raw: bytes) -> Checkpoint:
    require(len(raw) <= NOTE_MAX, "the checkpoint note is over 1 MiB")
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Failure("the checkpoint is not UTF-8") from None
    split = text.find("\n\n")
    require(split >= 0, "the checkpoint has no empty line after its body")
    body, signature_text = text[:split + 1], text[split + 2:]
    require(signature_text.endswith("\n"), "the checkpoint's last signature line has no newline")
    signatures = []
    for line in signature_text[:-1].split("\n"):
        require(line.startswith(SIGNATURE_PREFIX), "a signature line does not start with '— '")
        fields = line[len(SIGNATURE_PREFIX):].split(" ")
        require(len(fields) == 2 and fields[0] != "", "a signature line is not '— <name> <base64>'")
        blob = b64decode(fields[1], "a signature")
        require(len(blob) > 4, "a signature line is too short")
        signatures.append((fields[0], int.from_bytes(blob[:4], "big"), blob[4:]))
    lines = body[:-1].split("\n")
    require(len(lines) == 3, f"a checkpoint body has 3 lines, not {len(lines)}")
    origin, size_text, root_text = lines
    require(valid_key_name(origin), "the checkpoint origin is empty or has spaces")
    require(re.fullmatch(r"0|[1-9][0-9]*", size_text) is not None and int(size_text) < 1 << 64,
            "the checkpoint size is not a canonical decimal u64")
    root = b64decode(root_text, "the checkpoint root")
    require(len(root) == 32, "the checkpoint root is not 32 bytes")
    return Checkpoint(origin, int(size_text), root, body.encode("utf-8"), tuple(signatures))


def verify_signature(checkpoint: Checkpoint, key: VerifierKey) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    mine = [sig for name, kid, sig in checkpoint.signatures if name == key.name and kid == key.key_id]
    require(mine, f"the checkpoint of size {checkpoint.size} has no signature by {key.name}+{key.key_id:08x}")
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    for signature in mine:
        if len(signature) != 64:
            continue
        try:
            public.verify(signature, checkpoint.body)
            break
        except InvalidSignature:
            continue
    else:
        raise Failure(f"the signature on the checkpoint of size {checkpoint.size} does not verify")
    require(checkpoint.origin == key.name, f"checkpoint origin {checkpoint.origin} is not the key name {key.name}")


def load_vkey(argument: str) -> VerifierKey:
    text = argument
    if os.path.exists(argument):
        with open(argument, "r", encoding="utf-8") as handle:
            text = handle.read()
    return parse_vkey(text)


# --------------------------------------------------------------------------------------------------
# §6 Event ids

EVENT_ID_LABEL = b"cusledger/event-id/v1"


def derive_event_id(command_id: bytes, index: int) -> bytes:
    d = sha256(EVENT_ID_LABEL, command_id, index.to_bytes(4, "big"))
    return command_id[:6] + bytes([0x80 | (d[6] & 0x0F), d[7], 0x80 | (d[8] & 0x3F)]) + d[9:16]


# --------------------------------------------------------------------------------------------------
# §7 Export lines

EXPORT_REQUIRED = ("position", "stream", "streamVersion", "type", "schemaVersion", "eventId", "recordedAt",
                   "correlationId", "causationId", "actor", "encrypted", "keyId", "record", "leafHash")
EXPORT_MEMBERS = frozenset(EXPORT_REQUIRED) | {"payload", "payloadBase64"}


def _no_duplicates(pairs: list) -> dict:
    result = {}
    for key, value in pairs:
        require(key not in result, f"member {key!r} appears twice")
        result[key] = value
    return result


def _no_constants(name: str) -> None:
    raise Failure(f"{name} is not JSON")


def same_json(found: object, expected: object) -> bool:
    """Equality that keeps JSON types apart (true ≠ 1, 1.0 ≠ 1)."""
    if expected is None or isinstance(expected, bool):
        return found is expected
    if isinstance(expected, int):
        return type(found) is int and found == expected
    return type(found) is type(expected) and found == expected


def check_export_line(text: str, position: int) -> tuple:
    """Checks one export line against the record it carries (§7).

    Returns (record bytes, Record, whether the line has a codec-rendered `payload` this tool cannot check)."""
    try:
        line = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        raise Failure(f"not JSON ({error.msg})") from None
    require(isinstance(line, dict), "not a JSON object")
    missing = [name for name in EXPORT_REQUIRED if name not in line]
    require(not missing, f"missing {', '.join(missing)}")
    extra = sorted(set(line) - EXPORT_MEMBERS)
    require(not extra, f"unknown member {', '.join(extra)}")
    require(("payload" in line) != ("payloadBase64" in line), "needs exactly one of payload and payloadBase64")
    require(same_json(line["position"], position), f"position is {line['position']!r}, the line is number {position}")
    raw = b64decode(line["record"], "record")
    try:
        record = decode_record(raw, position)
    except Rejected as error:
        raise Failure(f"record does not decode: {error}") from None
    expected = {
        "stream": record.stream,
        "streamVersion": record.stream_version,
        "type": record.event_type,
        "schemaVersion": record.schema_version,
        "eventId": uuid_text(record.event_id),
        "recordedAt": rfc3339(record.recorded_at),
        "correlationId": uuid_text(record.correlation_id) if record.correlation_id else None,
        "causationId": uuid_text(record.causation_id) if record.causation_id else None,
        "actor": record.actor,
        "encrypted": record.sealed is not None,
        "keyId": uuid_text(record.sealed.key_id) if record.sealed else None,
        "leafHash": leaf_hash(raw).hex(),
    }
    for name, value in expected.items():
        require(same_json(line[name], value), f"{name} is {line[name]!r}, the record says {value!r}")
    if "payloadBase64" in line:
        require(b64decode(line["payloadBase64"], "payloadBase64") == record.payload,
                "payloadBase64 differs from the record's payload")
    return raw, record, "payload" in line


def read_lines(path: str) -> Iterator[tuple]:
    """(number, text) of each line; the file must be UTF-8 and end every line with LF."""
    with open(path, "rb") as handle:
        number = 0
        for raw in handle:
            require(raw.endswith(b"\n"), f"line {number + 1} has no newline at the end")
            try:
                text = raw[:-1].decode("utf-8", errors="strict")
            except UnicodeDecodeError:
                raise Failure(f"line {number + 1} is not UTF-8") from None
            require(text != "", f"line {number + 1} is empty")
            yield number, text
            number += 1


def verify_export(path: str, checkpoint_path: Optional[str], vkey: Optional[VerifierKey]) -> str:
    if checkpoint_path is None and os.path.exists(path + ".checkpoint"):
        checkpoint_path = path + ".checkpoint"
    checkpoint = None
    if checkpoint_path is not None:
        with open(checkpoint_path, "rb") as handle:
            checkpoint = parse_checkpoint(handle.read())
        if vkey is not None:
            verify_signature(checkpoint, vkey)
    tree = CompactRange()
    checkpoint_root = EMPTY_ROOT if checkpoint is not None and checkpoint.size == 0 else None
    codec_payloads = 0
    for number, text in read_lines(path):
        try:
            raw, _, codec_payload = check_export_line(text, number)
        except Failure as error:
            raise Failure(f"{path} line {number + 1}: {error}") from None
        codec_payloads += 1 if codec_payload else 0
        tree.push(leaf_hash(raw))
        if checkpoint is not None and tree.size == checkpoint.size:
            checkpoint_root = tree.root()
    summary = f"{path}: {tree.size} lines, root {tree.root().hex()}"
    if checkpoint is None:
        return summary + "; no checkpoint to compare"
    require(checkpoint.size <= tree.size,
            f"the checkpoint is at size {checkpoint.size} but {path} has only {tree.size} lines")
    require(checkpoint_root == checkpoint.root,
            f"the root of the first {checkpoint.size} lines differs from the checkpoint's root")
    signed = "signature verified" if vkey is not None else "signature NOT checked (no --vkey)"
    if codec_payloads:
        summary += f"; {codec_payloads} codec-rendered payload(s) not checkable here"
    return summary + f"; checkpoint at size {checkpoint.size} matches, {signed}"


def _proof_document(path: str, kind: str) -> dict:
    with open(path, "rb") as handle:
        document = json.loads(handle.read().decode("utf-8"), object_pairs_hook=_no_duplicates)
    require(isinstance(document, dict) and document.get("kind") == kind, f"{path} is not a {kind} document")
    return document


def _hash(document: dict, key: str) -> bytes:
    value = document.get(key)
    require(isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None,
            f'"{key}" is not 64 lowercase hex digits')
    return bytes.fromhex(value)


def _size(document: dict, key: str) -> int:
    value = document.get(key)
    require(isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 64,
            f'"{key}" is not a u64')
    return value


def _proof_checkpoint(document: dict, key: str, size: int, root: bytes, vkey: Optional[VerifierKey]) -> str:
    text = document.get(key)
    if text is None:
        require(vkey is None, f'"{key}" is absent, so no signature can be checked')
        return "no checkpoint"
    require(isinstance(text, str), f'"{key}" is not a signed note')
    checkpoint = parse_checkpoint(text.encode("utf-8"))
    require(checkpoint.size == size and checkpoint.root == root, f'"{key}" is not of the proof\'s size and root')
    if vkey is None:
        return "checkpoint signature NOT checked (no --vkey)"
    verify_signature(checkpoint, vkey)
    return f"checkpoint signed by {vkey.name}"


def verify_inclusion_document(path: str, vkey: Optional[VerifierKey]) -> str:
    """`cus audit proof` output (Schemas/audit-inclusion-proof.schema.json)."""
    document = _proof_document(path, "cusledger/inclusion-proof/v1")
    position, size = _size(document, "position"), _size(document, "treeSize")
    raw = b64decode(document.get("record"), '"record"')
    decode_record(raw, position)
    leaf = leaf_hash(raw)
    require(leaf == _hash(document, "leafHash"), '"leafHash" is not SHA-256(0x00 ‖ record)')
    hashes = document.get("hashes")
    require(isinstance(hashes, list), '"hashes" is not a list')
    path_hashes = [_hash({"h": h}, "h") for h in hashes]
    root = _hash(document, "root")
    require(root_from_inclusion(position, size, leaf, path_hashes) == root, "the audit path does not lead to the root")
    signed = _proof_checkpoint(document, "checkpoint", size, root, vkey)
    return f"{path}: position {position} is in the tree of {size}, root {root.hex()}; {signed}"


def verify_consistency_document(path: str, vkey: Optional[VerifierKey]) -> str:
    """`cus audit consistency` output (Schemas/audit-consistency-proof.schema.json)."""
    document = _proof_document(path, "cusledger/consistency-proof/v1")
    old_size, new_size = _size(document, "oldSize"), _size(document, "newSize")
    old_root, new_root = _hash(document, "oldRoot"), _hash(document, "newRoot")
    hashes = document.get("hashes")
    require(isinstance(hashes, list), '"hashes" is not a list')
    verify_consistency(old_size, new_size, old_root, new_root, [_hash({"h": h}, "h") for h in hashes])
    old_signed = _proof_checkpoint(document, "oldCheckpoint", old_size, old_root, vkey)
    new_signed = _proof_checkpoint(document, "newCheckpoint", new_size, new_root, vkey)
    return f"{path}: the tree of {new_size} extends the tree of {old_size}; old {old_signed}, new {new_signed}"


# --------------------------------------------------------------------------------------------------
# §4 The ledger environment

DATABASES = ("events", "streams", "eventIds", "byType", "byCategory", "merkle", "checkpoints", "meta")
META_KEYS = {"formatVersion", "ledgerId", "origin", "lmdbVersionAtCreate", "treeSize", "frontier",
             "streamCount", "verifierKey"}
PAGE_RECORDS = 100_000
TILE_WIDTH = 256


def expected_tiles(size: int) -> dict:
    """{(level, index): hash count} of every tile of a tree of `size` leaves (§3 tiles)."""
    tiles = {}
    level = 0
    while level * 8 < 64 and size >> (8 * level):
        nodes = size >> (8 * level)
        for index in range(nodes // TILE_WIDTH):
            tiles[(level, index)] = TILE_WIDTH
        if nodes % TILE_WIDTH:
            tiles[(level, nodes // TILE_WIDTH)] = nodes % TILE_WIDTH
        level += 1
    return tiles


def tile_key(level: int, index: int) -> bytes:
    return bytes([level]) + u64(index)


class LedgerReader:
    def __init__(self, data_dir: str):
        import lmdb

        self.lmdb = lmdb
        self.path = os.path.join(data_dir, "ledger")
        require(os.path.isfile(os.path.join(self.path, "data.mdb")), f"no ledger environment at {self.path}")
        try:
            # Read-only *with* the lock file: a writer may be running (§4.1). Map size 0 = the file's.
            self.env = lmdb.open(self.path, readonly=True, lock=True, subdir=True, max_dbs=16, map_size=0,
                                 create=False)
        except lmdb.Error as error:
            raise Failure(f"cannot open {self.path}: {error}") from None
        self.dbs = {}
        for name in DATABASES:
            try:
                self.dbs[name] = self.env.open_db(name.encode("ascii"), create=False)
            except lmdb.Error:
                raise Failure(f"the ledger has no database {name}") from None

    def begin(self):
        for _ in range(3):
            try:
                return self.env.begin(write=False)
            except self.lmdb.MapResizedError:
                self.env.set_mapsize(0)
        raise Failure("the map keeps growing under the reader")


def verify_ledger(data_dir: str, vkey_argument: Optional[str]) -> str:
    reader = LedgerReader(data_dir)
    dbs = reader.dbs
    # One snapshot for meta, checkpoints and the entry counts (§4.1).
    with reader.begin() as txn:
        meta = {}
        for key, value in txn.cursor(db=dbs["meta"]):
            try:
                name = key.decode("ascii")
            except UnicodeDecodeError:
                raise Failure(f"meta has a non-ASCII key {key.hex()}") from None
            require(name in META_KEYS, f"meta has an unknown entry {name!r}")
            meta[name] = bytes(value)
        require(meta.get("formatVersion") == b"\x00\x01", "meta formatVersion is missing or not u16 1")
        require(len(meta.get("ledgerId", b"")) == 16, "meta ledgerId is missing or not 16 bytes")
        require(len(meta.get("treeSize", b"")) == 8, "meta treeSize is missing or not 8 bytes")
        require(len(meta.get("streamCount", b"")) == 8, "meta streamCount is missing or not 8 bytes")
        require("frontier" in meta, "meta frontier is missing")
        try:
            origin = meta.get("origin", b"").decode("utf-8")
            meta.get("lmdbVersionAtCreate", b"").decode("utf-8")
        except UnicodeDecodeError:
            raise Failure("meta origin or lmdbVersionAtCreate is not UTF-8") from None
        require(valid_key_name(origin), "meta origin is missing or malformed")
        size = int.from_bytes(meta["treeSize"], "big")
        frontier_size, frontier_root = parse_frontier(meta["frontier"])
        require(frontier_size == size, f"meta frontier covers {frontier_size} leaves, treeSize is {size}")
        stream_count = int.from_bytes(meta["streamCount"], "big")

        counts = {name: txn.stat(dbs[name])["entries"] for name in DATABASES}
        for name in ("events", "streams", "eventIds", "byType", "byCategory"):
            require(counts[name] == size, f"{name} holds {counts[name]} entries, treeSize is {size}")
        last = txn.cursor(db=dbs["events"])
        if size:
            require(last.last() and last.key() == u64(size - 1), f"the last events key is not {size - 1}")

        tiles = expected_tiles(size)
        stored_tiles = 0
        for key, value in txn.cursor(db=dbs["merkle"]):
            require(len(key) == 9, f"merkle key {key.hex()} is not 9 bytes")
            coordinates = (key[0], int.from_bytes(key[1:], "big"))
            require(coordinates in tiles, f"merkle holds tile {coordinates} that a tree of {size} does not have")
            require(len(value) == 32 * tiles[coordinates],
                    f"tile {coordinates} holds {len(value)} bytes; size {size} gives {32 * tiles[coordinates]}")
            stored_tiles += 1
        require(stored_tiles == len(tiles), f"merkle holds {stored_tiles} tiles, size {size} needs {len(tiles)}")

        checkpoints = []
        for key, value in txn.cursor(db=dbs["checkpoints"]):
            require(len(key) == 8, f"checkpoints key {key.hex()} is not 8 bytes")
            try:
                checkpoint = parse_checkpoint(bytes(value))
            except Failure as error:
                raise Failure(f"checkpoint under key {int.from_bytes(key, 'big')}: {error}") from None
            require(int.from_bytes(key, "big") == checkpoint.size,
                    f"a checkpoint of size {checkpoint.size} is stored under key {int.from_bytes(key, 'big')}")
            require(checkpoint.size <= size, f"a checkpoint of size {checkpoint.size} is beyond treeSize {size}")
            require(checkpoint.origin == origin, f"checkpoint origin {checkpoint.origin} is not meta origin {origin}")
            checkpoints.append(checkpoint)

    recorded_key = meta.get("verifierKey")
    key = None
    if vkey_argument is not None:
        key = load_vkey(vkey_argument)
        if recorded_key is not None:
            require(parse_vkey(recorded_key.decode("utf-8")) == key, "meta verifierKey differs from --vkey")
    elif recorded_key is not None:
        key = parse_vkey(recorded_key.decode("utf-8"))
    require(key is not None or not checkpoints, "checkpoints exist but there is no verifier key (meta or --vkey)")
    for checkpoint in checkpoints:
        verify_signature(checkpoint, key)
    roots_due = {c.size: c.root for c in checkpoints}

    # The records, in short read transactions; positions below treeSize never change.
    tree = CompactRange()
    versions = {}
    tile_fill = {}  # tile level -> (tile index, hashes so far) of the tile being rebuilt
    page = {}  # the read transaction of the current page, for tile reads

    def tile_node(level: int, index: int, value: bytes) -> None:
        """Collects the nodes the tiles store (levels 0, 8, 16, …); checks each tile as it fills."""
        if level % 8:
            return
        coordinates = (level // 8, index // TILE_WIDTH)
        current = tile_fill.get(coordinates[0])
        if current is None or current[0] != coordinates[1]:
            current = (coordinates[1], bytearray())
            tile_fill[coordinates[0]] = current
        current[1].extend(value)
        if len(current[1]) == 32 * TILE_WIDTH:
            compare_tile(coordinates, bytes(current[1]), page["txn"].get(tile_key(*coordinates), db=dbs["merkle"]))

    def compare_tile(coordinates: tuple, rebuilt: bytes, stored: Optional[bytes]) -> None:
        stored = stored or b""
        if stored[:len(rebuilt)] == rebuilt:
            return
        if coordinates[0] == 0:  # leaf hashes: name the first record that no longer hashes to its tile entry
            first = next(i for i in range(0, len(rebuilt), 32) if stored[i:i + 32] != rebuilt[i:i + 32]) // 32
            raise Failure(f"record {coordinates[1] * TILE_WIDTH + first}: its leaf hash differs from tile "
                          f"{coordinates} (the record or the tile changed after it was written)")
        raise Failure(f"tile {coordinates} differs from the re-hashed records")

    def check_roots_due() -> None:
        expected = roots_due.get(tree.size)
        if expected is not None:
            require(tree.root() == expected, f"the root at size {tree.size} differs from the signed checkpoint")

    check_roots_due()
    position = 0
    while position < size:
        end = min(size, position + PAGE_RECORDS)
        with reader.begin() as txn:
            page["txn"] = txn
            events = txn.cursor(db=dbs["events"])
            require(events.set_key(u64(position)), f"record {position} is missing")
            while position < end:
                require(events.key() == u64(position), f"record {position} is missing")
                raw = bytes(events.value())
                try:
                    record = decode_record(raw, position)
                except Rejected as error:
                    raise Failure(f"record {position}: {error}") from None
                require(encode_record(record) == raw, f"record {position} does not re-encode to its bytes")
                expected_version = versions.get(record.stream_key, 0)
                require(record.stream_version == expected_version,
                        f"record {position}: stream {record.stream} version {record.stream_version}, "
                        f"expected {expected_version}")
                versions[record.stream_key] = expected_version + 1
                stored = u64(position)
                require(txn.get(record.stream_key + u64(record.stream_version), db=dbs["streams"]) == stored,
                        f"record {position}: the streams index does not point at it")
                require(txn.get(record.event_id, db=dbs["eventIds"]) == stored,
                        f"record {position}: the eventIds index does not point at it (a reused event id?)")
                type_name = record.event_type.encode("ascii")
                category = record.category.encode("ascii")
                require(txn.get(bytes([len(type_name)]) + type_name + stored, db=dbs["byType"]) == b"",
                        f"record {position}: no byType entry")
                require(txn.get(bytes([len(category)]) + category + stored, db=dbs["byCategory"]) == b"",
                        f"record {position}: no byCategory entry")
                tree.push(leaf_hash(raw), tile_node)
                position += 1
                check_roots_due()
                if position < end:
                    require(events.next(), f"record {position} is missing")
    with reader.begin() as txn:
        # Right-edge tiles: their length was checked in the snapshot; a running writer may have extended them.
        for tile_level, (tile_index, content) in tile_fill.items():
            if len(content) % (32 * TILE_WIDTH):
                compare_tile((tile_level, tile_index), bytes(content),
                             txn.get(tile_key(tile_level, tile_index), db=dbs["merkle"]))
    require(tree.root() == frontier_root, "the records' root differs from meta frontier")
    require(tree.serialized() == meta["frontier"], "meta frontier's subtree roots differ from the records'")
    require(len(versions) == stream_count, f"meta streamCount is {stream_count}, the records have {len(versions)} streams")
    signed = ", ".join(str(c.size) for c in checkpoints) or "none"
    return (f"ledger {reader.path}: {size} records in {len(versions)} streams, root {tree.root().hex()}; "
            f"indexes, {len(tiles)} tile(s) and meta agree; checkpoints verified at sizes: {signed}")


# --------------------------------------------------------------------------------------------------
# vectors

class Tally:
    def __init__(self) -> None:
        self.count = 0

    def check(self, condition: bool, reason: str) -> None:
        require(condition, reason)
        self.count += 1


def load_json(path: str) -> object:
    with open(path, "r", encoding="utf-8") as handle:
        return json.load(handle, object_pairs_hook=_no_duplicates)


def verify_vectors(schemas: str) -> str:
    t = Tally()
    vectors_dir = os.path.join(schemas, "vectors")
    document = load_json(os.path.join(schemas, "ledger-record-vectors.json"))
    t.check(document["formatVersion"] == 1, "vectors are not for format v1")
    records = document["records"]
    t.check(len(records) >= 3, "fewer than 3 record vectors")
    raws = []
    decoded_by_name = {}
    for index, vector in enumerate(records):
        name = vector["name"]
        raw = bytes.fromhex(vector["hex"])
        t.check(vector["position"] == index and len(raw) == vector["length"], f"{name}: position or length")
        record = decode_record(raw, vector["position"])
        want = vector["decoded"]
        got = {
            "formatVersion": 1, "flags": raw[2], "position": record.position,
            "streamUUID": uuid_text(record.stream_uuid), "streamVersion": record.stream_version,
            "eventId": uuid_text(record.event_id), "recordedAt": record.recorded_at,
            "recordedAtText": rfc3339(record.recorded_at),
            "correlationId": uuid_text(record.correlation_id) if record.correlation_id else None,
            "causationId": uuid_text(record.causation_id) if record.causation_id else None,
            "schemaVersion": record.schema_version, "category": record.category, "eventType": record.event_type,
            "actor": record.actor, "actorHex": record.actor.encode("utf-8").hex(), "payloadHex": record.payload.hex(),
            "keyId": uuid_text(record.sealed.key_id) if record.sealed else None,
            "aead": record.sealed.aead if record.sealed else None,
            "nonce": record.sealed.nonce.hex() if record.sealed else None,
            "sealedHex": record.sealed.data.hex() if record.sealed else None,
        }
        if "payloadText" in want:
            got["payloadText"] = record.payload.decode("utf-8")
        for field, value in want.items():
            t.check(same_json(got.get(field), value), f"{name}: {field} decodes to {got.get(field)!r}, not {value!r}")
        t.check(set(got) == set(want), f"{name}: decoded fields differ in name")
        t.check(encode_record(record) == raw, f"{name}: re-encoding differs")
        t.check(leaf_hash(raw).hex() == vector["leafHash"], f"{name}: leaf hash")
        t.check(record.stream == vector["stream"], f"{name}: stream text")
        origin = vector["eventIdFrom"]
        t.check(derive_event_id(uuid_bytes(origin["commandId"]), origin["index"]) == record.event_id,
                f"{name}: event id derivation")
        line_raw, _, _ = check_export_line(vector["exportLine"], index)
        t.check(line_raw == raw, f"{name}: export line carries other bytes")
        if record.sealed:
            sealed = vector["sealedPlaintext"]
            t.check(sealing_aad(record).hex() == sealed["aadHex"], f"{name}: AAD")
            plain = open_sealed(record, bytes.fromhex(sealed["dataKeyHex"]))
            t.check(plain == sealed["plaintext"].encode("utf-8"), f"{name}: decrypted payload")
        raws.append(raw)
        decoded_by_name[name] = record
    t.check(any(r.sealed is None for r in decoded_by_name.values()), "no plaintext vector")
    t.check({r.sealed.aead for r in decoded_by_name.values() if r.sealed} == {1, 2}, "sealed vectors lack an aead")
    t.check(any(r.correlation_id and r.causation_id and r.actor for r in decoded_by_name.values()),
            "no vector with every optional field")

    for vector in document["invalid"]:
        raw = bytes.fromhex(vector["hex"])
        try:
            decode_record(raw, vector["expectedPosition"])
        except Rejected:
            t.check(True, "")
        else:
            raise Failure(f"invalid vector {vector['name']!r} decodes")

    for derivation in document["eventIdDerivation"]:
        command = uuid_bytes(derivation["commandId"])
        t.check(bytes.fromhex(derivation["sha256InputHex"]) == EVENT_ID_LABEL + command + derivation["index"].to_bytes(4, "big"),
                "event id SHA-256 input")
        t.check(uuid_text(derive_event_id(command, derivation["index"])) == derivation["eventId"], "event id")

    leaves = [leaf_hash(raw) for raw in raws]
    roots = load_json(os.path.join(vectors_dir, "roots.json"))["roots"]
    t.check([r["size"] for r in roots] == list(range(len(leaves) + 1)), "roots.json sizes are not 0…8")
    tree = CompactRange()
    for entry in roots:
        while tree.size < entry["size"]:
            tree.push(leaves[tree.size])
        root = mth(leaves[:entry["size"]])
        t.check(root.hex() == entry["root"] and tree.root() == root, f"root at size {entry['size']}")
        t.check(b64encode(root) == entry["rootBase64"], f"base64 root at size {entry['size']}")
        t.check(tree.serialized().hex() == entry["frontier"], f"frontier at size {entry['size']}")
        t.check(parse_frontier(bytes.fromhex(entry["frontier"])) == (entry["size"], root), f"frontier parse {entry['size']}")

    for proof in load_json(os.path.join(vectors_dir, "inclusion-proof.json"))["proofs"]:
        index, size = proof["leafIndex"], proof["treeSize"]
        path = [bytes.fromhex(h) for h in proof["hashes"]]
        t.check(proof["leafHash"] == leaves[index].hex(), f"inclusion {index}/{size}: leaf")
        t.check(path == audit_path(index, leaves[:size]), f"inclusion {index}/{size}: not RFC 6962 PATH")
        t.check(root_from_inclusion(index, size, leaves[index], path).hex() == proof["root"] == mth(leaves[:size]).hex(),
                f"inclusion {index}/{size}: root")
        if path:
            bent = [node_hash(path[0], path[0])] + path[1:]
            t.check(root_from_inclusion(index, size, leaves[index], bent).hex() != proof["root"],
                    f"inclusion {index}/{size}: an altered proof still verifies")

    for proof in load_json(os.path.join(vectors_dir, "consistency-proof.json"))["proofs"]:
        old, new = proof["oldSize"], proof["newSize"]
        path = [bytes.fromhex(h) for h in proof["hashes"]]
        t.check(path == consistency_path(old, leaves[:new]), f"consistency {old}→{new}: not RFC 6962 PROOF")
        old_root, new_root = bytes.fromhex(proof["oldRoot"]), bytes.fromhex(proof["newRoot"])
        t.check(old_root == mth(leaves[:old]) and new_root == mth(leaves[:new]), f"consistency {old}→{new}: roots")
        verify_consistency(old, new, old_root, new_root, path)
        try:
            verify_consistency(old, new, EMPTY_ROOT, new_root, path)
        except Failure:
            t.check(True, "")
        else:
            raise Failure(f"consistency {old}→{new}: a wrong old root verifies")

    keys = load_json(os.path.join(vectors_dir, "test-keys.json"))
    signing = keys["signingKey"]
    with open(os.path.join(vectors_dir, "test.vkey"), encoding="utf-8") as handle:
        vkey = parse_vkey(handle.read())
    with open(os.path.join(vectors_dir, signing["privateKeyFile"]), encoding="utf-8") as handle:
        name, kid, seed, public = parse_private_key(handle.read())
    t.check(seed.hex() == signing["seedHex"] and public.hex() == signing["publicKeyHex"], "test key seed/public key")
    t.check((name, kid, public) == (vkey.name, vkey.key_id, vkey.public_key), "private key and vkey disagree")
    t.check(f"{kid:08x}" == signing["keyId"], "key id")
    t.check(bytes.fromhex(signing["keyIdPreimageHex"]) == name.encode() + b"\n\x01" + public, "key id preimage")
    with open(os.path.join(vectors_dir, "checkpoint.txt"), "rb") as handle:
        note = handle.read()
    checkpoint = parse_checkpoint(note)
    verify_signature(checkpoint, vkey)
    t.check(checkpoint.size == len(leaves) and checkpoint.root == mth(leaves), "checkpoint size and root")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    again = Ed25519PrivateKey.from_private_bytes(seed).sign(checkpoint.body)
    line = "\u2014 " + name + " " + b64encode(kid.to_bytes(4, "big") + again) + "\n"
    t.check(note == checkpoint.body + b"\n" + line.encode("utf-8"), "re-signing gives other bytes (RFC 8032)")
    forged = Checkpoint(checkpoint.origin, checkpoint.size - 1, checkpoint.root,
                        checkpoint.body.replace(b"\n8\n", b"\n7\n"), checkpoint.signatures)
    try:
        verify_signature(forged, vkey)
    except Failure:
        t.check(True, "")
    else:
        raise Failure("a forged checkpoint body verifies")

    by_position = {r.position: r for r in decoded_by_name.values()}
    data_keys = {entry["keyId"]: bytes.fromhex(entry["keyHex"]) for entry in keys["dataKeys"]}
    for entry in load_json(os.path.join(vectors_dir, "sealed.json"))["sealed"]:
        record = by_position[entry["position"]]
        t.check(uuid_text(record.sealed.key_id) == entry["keyId"] and record.sealed.aead == entry["aead"],
                f"sealed {entry['record']}: key id / aead")
        t.check(record.sealed.nonce.hex() == entry["nonce"] and record.sealed.data.hex() == entry["ciphertextAndTagHex"],
                f"sealed {entry['record']}: nonce / ciphertext")
        t.check(sealing_aad(record).hex() == entry["aadHex"], f"sealed {entry['record']}: AAD")
        plain = open_sealed(record, data_keys[entry["keyId"]])
        t.check(plain.hex() == entry["plaintextHex"] and plain.decode() == entry["plaintext"], "decrypted payload")

    verify_export(os.path.join(vectors_dir, "export.jsonl"), None, vkey)
    t.check(True, "")

    layout = load_json(os.path.join(vectors_dir, "lmdb-layout.json"))["databases"]
    expected = {name: [] for name in DATABASES}
    for position, raw in enumerate(raws):
        r = decode_record(raw, position)
        key = u64(position)
        type_name, category = r.event_type.encode(), r.category.encode()
        expected["events"].append((key, raw))
        expected["streams"].append((r.stream_key + u64(r.stream_version), key))
        expected["eventIds"].append((r.event_id, key))
        expected["byType"].append((bytes([len(type_name)]) + type_name + key, b""))
        expected["byCategory"].append((bytes([len(category)]) + category + key, b""))
    expected["merkle"] = [(tile_key(0, 0), b"".join(leaves))]
    expected["checkpoints"] = [(u64(checkpoint.size), note)]
    expected["meta"] = [
        (b"formatVersion", b"\x00\x01"), (b"frontier", tree.serialized()), (b"ledgerId", None),
        (b"lmdbVersionAtCreate", None), (b"origin", name.encode()),
        (b"streamCount", u64(len({r.stream_key for r in decoded_by_name.values()}))),
        (b"treeSize", u64(len(raws))),
        (b"verifierKey", f"{vkey.name}+{vkey.key_id:08x}+{b64encode(bytes([1]) + vkey.public_key)}".encode()),
    ]
    for name_, entries in expected.items():
        entries.sort(key=lambda entry: entry[0])  # memcmp order
        published = layout[name_]
        t.check([bytes.fromhex(e["key"]) for e in published] == [k for k, _ in entries], f"lmdb layout {name_}: keys")
        for (key, value), entry in zip(entries, published):
            if value is not None:
                t.check(bytes.fromhex(entry["value"]) == value, f"lmdb layout {name_} {key!r}: value")
    ledger_id = next(e for e in layout["meta"] if bytes.fromhex(e["key"]) == b"ledgerId")
    t.check(ledger_id.get("valueLength") == 16, "ledgerId is 16 bytes")
    return f"vectors {schemas}: {len(records)} records, {len(document['invalid'])} invalid, {t.count} checks passed"


# --------------------------------------------------------------------------------------------------

def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cusledger_verify.py",
        description="Independent verifier of CUSLedger record format v1 (Schemas/ledger-record.md).")
    commands = parser.add_subparsers(dest="command", required=True)
    vectors = commands.add_parser("vectors", help="check the test vectors in SCHEMAS_DIR")
    vectors.add_argument("schemas")
    ledger = commands.add_parser("ledger", help="verify DATA_DIR/ledger read-only")
    ledger.add_argument("data")
    ledger.add_argument("--vkey", help="verifier key (vkey text or file); default: meta verifierKey")
    export = commands.add_parser("export", help="verify an export file (JSON Lines)")
    export.add_argument("file")
    export.add_argument("--checkpoint", help="signed checkpoint; default: FILE.checkpoint when present")
    export.add_argument("--vkey", help="verifier key (vkey text or file) for the checkpoint's signature")
    proof = commands.add_parser("proof", help="verify a cus audit proof document")
    proof.add_argument("file")
    proof.add_argument("--vkey", help="verifier key (vkey text or file) for the checkpoint's signature")
    consistency = commands.add_parser("consistency", help="verify a cus audit consistency document")
    consistency.add_argument("file")
    consistency.add_argument("--vkey", help="verifier key (vkey text or file) for both checkpoints' signatures")
    args = parser.parse_args(argv)
    try:
        if args.command == "vectors":
            print("OK " + verify_vectors(args.schemas))
        elif args.command == "ledger":
            print("OK " + verify_ledger(args.data, args.vkey))
        elif args.command == "proof":
            print("OK " + verify_inclusion_document(args.file, load_vkey(args.vkey) if args.vkey else None))
        elif args.command == "consistency":
            print("OK " + verify_consistency_document(args.file, load_vkey(args.vkey) if args.vkey else None))
        else:
            key = load_vkey(args.vkey) if args.vkey else None
            print("OK " + verify_export(args.file, args.checkpoint, key))
        return 0
    except Failure as error:
        reason = str(error)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        reason = f"{type(error).__name__}: {error}"
    except Exception as error:  # lmdb.Error and anything unforeseen: still one line, still exit 1
        reason = f"{type(error).__name__}: {error}"
    print("FAIL " + " ".join(reason.split()), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
