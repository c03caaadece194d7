#!/usr/bin/env bash
# The independent Python verifier (ledger.md G8) against the published vectors and a fresh ledger written by
# the Swift code. Usage (from anywhere):
#
#     Tools/verify-python/test.sh .build/debug/cus
#
# Installs the PyPI packages lmdb, cryptography and jsonschema with pip when they are missing (no venv),
# works in a temporary directory, and ends with "N passed, M failed"; exit status 1 if any check failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cus=${1:?usage: test.sh PATH/TO/cus}
[ -x "$cus" ] || { echo "test.sh: $cus is not an executable" >&2; exit 1; }
cus=$(cd "$(dirname "$cus")" && pwd)/$(basename "$cus")
python=${PYTHON:-python3}
verifier="$here/cusledger_verify.py"
schemas="$root/Schemas"

if ! "$python" -c 'import lmdb, cryptography, jsonschema' 2>/dev/null; then
    echo "installing lmdb cryptography jsonschema (pip)" >&2
    "$python" -m pip install --quiet lmdb cryptography jsonschema >&2 || { echo "pip install failed" >&2; exit 1; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cusledger-verify.XXXXXX")
trap 'rm -rf "$work"' EXIT
data="$work/data"
passed=0
failed=0

# check NAME COMMAND…: the command must succeed.
check() {
    local name=$1
    shift
    if "$@" >"$work/out" 2>&1; then
        passed=$((passed + 1))
        echo "ok    $name: $(tail -n 1 "$work/out")"
    else
        failed=$((failed + 1))
        echo "FAIL  $name"
        sed 's/^/      /' "$work/out"
    fi
}

# refuse NAME COMMAND…: the command must exit with status 1 and a one-line reason.
refuse() {
    local name=$1
    shift
    "$@" >"$work/out" 2>&1
    local status=$?
    if [ "$status" -eq 1 ] && [ "$(wc -l <"$work/out")" -eq 1 ]; then
        passed=$((passed + 1))
        echo "ok    $name (refused: $(cat "$work/out"))"
    else
        failed=$((failed + 1))
        echo "FAIL  $name: expected exit 1 with one line, got $status:"
        sed 's/^/      /' "$work/out"
    fi
}

# Validates every line of a JSON Lines file against the export-line schema.
validate_lines() {
    "$python" - "$schemas/ledger-export-line.schema.json" "$1" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
count = 0
with open(sys.argv[2], encoding="utf-8") as lines:
    for number, line in enumerate(lines, 1):
        errors = sorted(validator.iter_errors(json.loads(line)), key=str)
        if errors:
            sys.exit(f"line {number}: {errors[0].message}")
        count += 1
print(f"{count} lines valid against ledger-export-line.schema.json")
PY
}

# Copies an export file, flipping one byte of the record of line LINE at OFFSET (in its payload);
# with "rehash", also rewrites leafHash and payloadBase64 so only the root can tell.
tamper_export() {
    "$python" - "$@" <<'PY'
import base64, hashlib, json, sys
source, target, line_number, offset, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
lines = open(source, encoding="utf-8").read().split("\n")
line = json.loads(lines[line_number])
record = bytearray(base64.b64decode(line["record"]))
record[offset] ^= 0x01
line["record"] = base64.b64encode(record).decode()
if mode == "rehash":
    line["leafHash"] = hashlib.sha256(b"\0" + bytes(record)).hexdigest()
    line["payloadBase64"] = base64.b64encode(bytes(record[-250:])).decode()  # seed payloads are the last 250 bytes
lines[line_number] = json.dumps(line, separators=(",", ":"), ensure_ascii=False)
open(target, "w", encoding="utf-8").write("\n".join(lines))
PY
}

# Copies the ledger env and flips one byte inside the payload of one record in data.mdb.
tamper_ledger() {
    mkdir -p "$2/ledger"
    cp "$1/ledger/data.mdb" "$2/ledger/data.mdb"
    "$python" - "$2/ledger/data.mdb" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
marker = b'{"seq":1234,"note":"synthetic event'
at = data.find(marker)
if at < 0 or data.find(marker, at + 1) >= 0:
    sys.exit("marker not found exactly once")
data[at + len(marker) + 20] ^= 0x01
open(path, "wb").write(data)
PY
}

echo "== vectors"
check "vectors" "$python" "$verifier" vectors "$schemas"
check "vector export lines match the JSON Schema" validate_lines "$schemas/vectors/export.jsonl"
check "vector export verifies (export.jsonl + .checkpoint + test.vkey)" \
    "$python" "$verifier" export "$schemas/vectors/export.jsonl" --vkey "$schemas/vectors/test.vkey"

echo "== a fresh ledger written by $cus"
check "cus ledger seed --events 3000 --streams 7" "$cus" ledger seed --data "$data" --events 3000 --streams 7
check "cus ledger public-key" sh -c '"$1" ledger public-key --data "$2" > "$3"' sh "$cus" "$data" "$work/ledger.vkey"
check "ledger (key from meta)" "$python" "$verifier" ledger "$data"
check "ledger --vkey" "$python" "$verifier" ledger "$data" --vkey "$work/ledger.vkey"
refuse "ledger with another --vkey" "$python" "$verifier" ledger "$data" --vkey "$schemas/vectors/test.vkey"
check "cus ledger export" "$cus" ledger export --data "$data" --out "$data.jsonl"
check "export --checkpoint --vkey" \
    "$python" "$verifier" export "$data.jsonl" --checkpoint "$data.jsonl.checkpoint" --vkey "$work/ledger.vkey"
check "export lines match the JSON Schema" validate_lines "$data.jsonl"

echo "== tampering is refused"
check "flip a byte of line 1234's record" tamper_export "$data.jsonl" "$work/flipped.jsonl" 1234 150 keep
refuse "export with a flipped record byte" \
    "$python" "$verifier" export "$work/flipped.jsonl" --checkpoint "$data.jsonl.checkpoint" --vkey "$work/ledger.vkey"
check "flip a byte and fix leafHash and payloadBase64" tamper_export "$data.jsonl" "$work/rehashed.jsonl" 1234 150 rehash
refuse "export whose root no longer matches the checkpoint" \
    "$python" "$verifier" export "$work/rehashed.jsonl" --checkpoint "$data.jsonl.checkpoint" --vkey "$work/ledger.vkey"
check "flip a payload byte inside data.mdb (copy)" tamper_ledger "$data" "$work/tampered"
refuse "ledger with a flipped record byte" "$python" "$verifier" ledger "$work/tampered" --vkey "$work/ledger.vkey"

echo "== a second append: two checkpoints, and a reader beside a running writer"
check "cus ledger seed --events 1500 (again)" "$cus" ledger seed --data "$data" --events 1500 --streams 3
check "ledger with checkpoints at 3000 and 4500" "$python" "$verifier" ledger "$data"
# Verifies the ledger again and again while `cus ledger seed` appends: every snapshot must verify.
verify_beside_writer() {
    "$cus" ledger seed --data "$data" --events 60000 --streams 50 >"$work/writer.log" 2>&1 &
    local writer=$! runs=0 sizes=""
    while kill -0 "$writer" 2>/dev/null; do
        "$python" "$verifier" ledger "$data" >"$work/beside" 2>&1 || { cat "$work/beside"; kill "$writer"; return 1; }
        runs=$((runs + 1))
        sizes="$sizes $(sed -E 's/.*: ([0-9]+) records.*/\1/' "$work/beside")"
    done
    wait "$writer" || { echo "cus ledger seed failed:"; cat "$work/writer.log"; return 1; }
    echo "$runs verification(s) while the writer ran, at sizes:$sizes"
}
check "ledger while cus ledger seed appends 60,000 events" verify_beside_writer
check "ledger after the writer closed" "$python" "$verifier" ledger "$data"

echo "== auditor proofs: cus audit proof / consistency, checked here without CUSLedger code"
# Validates one JSON document against a schema in Schemas/.
validate_document() {
    "$python" - "$schemas/$1" "$2" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2], encoding="utf-8"))), key=str)
if errors:
    sys.exit(errors[0].message)
print(f"{sys.argv[2]} is valid against {sys.argv[1].rsplit('/', 1)[-1]}")
PY
}
check "the newest checkpoint as a file" sh -c '"$1" ledger checkpoint --data "$2" > "$3/new.cp"' sh "$cus" "$data" "$work"
check "cus audit proof --position 1234" sh -c '"$1" audit proof --data "$2" --position 1234 > "$3/inclusion.json"' \
    sh "$cus" "$data" "$work"
check "inclusion proof matches its JSON Schema" validate_document audit-inclusion-proof.schema.json "$work/inclusion.json"
check "inclusion proof verifies in Python" "$python" "$verifier" proof "$work/inclusion.json" --vkey "$work/ledger.vkey"
refuse "inclusion proof with another key" "$python" "$verifier" proof "$work/inclusion.json" \
    --vkey "$schemas/vectors/test.vkey"
check "a proof with one hash changed" "$python" - "$work/inclusion.json" "$work/bad-inclusion.json" <<'PY'
import json, sys
document = json.load(open(sys.argv[1]))
first = document["hashes"][0]
document["hashes"][0] = ("0" if first[0] != "0" else "1") + first[1:]
json.dump(document, open(sys.argv[2], "w"))
PY
refuse "inclusion proof with a changed hash" "$python" "$verifier" proof "$work/bad-inclusion.json"
check "oldest checkpoint of the ledger as a file" sh -c '"$1" audit proof --data "$2" --position 0 |
    "$3" -c "import json,sys; open(sys.argv[1], \"w\").write(json.load(sys.stdin)[\"checkpoint\"])" "$4/old.cp"' \
    sh "$cus" "$data" "$python" "$work"
check "cus audit consistency --old --new" sh -c \
    '"$1" audit consistency --data "$2" --old "$3/old.cp" --new "$3/new.cp" > "$3/consistency.json"' sh "$cus" "$data" "$work"
check "consistency proof matches its JSON Schema" validate_document audit-consistency-proof.schema.json \
    "$work/consistency.json"
check "consistency proof verifies in Python" "$python" "$verifier" consistency "$work/consistency.json" \
    --vkey "$work/ledger.vkey"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
