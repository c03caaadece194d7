# Shared by Tools/load-bench and Tools/load-ab: waiting for a `cus serve --demo` and the variables bench.lua reads.
# shellcheck shell=bash

# wait_ready BASE PID LOG: until BASE/ready answers; exits when the server PID ended first (printing its LOG).
wait_ready() {
    for _ in $(seq 1 600); do
        curl -fsS "$1/ready" >/dev/null 2>&1 && return 0
        kill -0 "$2" 2>/dev/null || { cat "$3" >&2; echo "cus serve exited early" >&2; exit 1; }
        sleep 0.5
    done
}

# token_of ROLE LOG: the demo token of ROLE that `cus serve --demo` printed into LOG.
token_of() { awk -v role="$1" '$1 == role { print $2; exit }' "$2"; }

# bench_variables BASE LOG: prints the `export` lines of the variables bench.lua reads, for the demo server at
# BASE whose output is LOG. Need signals go to persons who can still take one: each is tried once, and an erased
# person (422) is left out quietly (curl -f without -S).
bench_variables() {
    local base=$1 log=$2 director clerk plans person persons="" programme
    director=$(token_of director "$log")
    clerk=$(token_of intakeClerk "$log")
    programme=$(grep -o 'programmes/[0-9a-f-]*' "$log" | head -1 | cut -d/ -f2)
    plans=$(curl -fsS -H "Authorization: Bearer $director" "$base/v1/views/PlanStatusView?limit=100")
    column() { python3 -c 'import json,sys; print(",".join(sorted({r[sys.argv[1]] for r in json.load(sys.stdin)["rows"]})))' "$1"; }
    uuid4() { python3 -c 'import uuid; print(uuid.uuid4())'; }
    for person in $(column personRef <<<"$plans" | tr , ' '); do
        curl -fs -o /dev/null -X POST "$base/v1/applications/$(uuid4)/need-signals" \
            -H "Authorization: Bearer $clerk" -H "Content-Type: application/json" -H "Idempotency-Key: $(uuid4)" \
            -d '{"personRef":"'"$person"'","source":"family","channel":"phone","signalledOn":"2025-04-10","description":"probe"}' &&
            persons="$persons,$person"
    done
    [ -n "$plans" ] && [ -n "$persons" ] && [ -n "$programme" ] ||
        { echo "no plans, persons or programme to read" >&2; return 1; }
    echo "export BENCH_DIRECTOR=$director BENCH_CLERK=$clerk BENCH_EVALUATOR=$(token_of evaluator "$log")"
    echo "export BENCH_PROGRAMME=$programme BENCH_PLANS=$(column planId <<<"$plans") BENCH_PERSONS=${persons#,}"
}
