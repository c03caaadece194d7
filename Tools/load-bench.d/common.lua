-- Shared by the load-bench scripts: tokens and ids come from the environment (set by Tools/load-bench), each
-- wrk thread seeds its own generator, and a fresh UUID (see below) serves as Idempotency-Key and personRef.
local common = {}

common.director = os.getenv("BENCH_DIRECTOR")
common.clerk = os.getenv("BENCH_CLERK")
common.evaluator = os.getenv("BENCH_EVALUATOR")
common.programme = os.getenv("BENCH_PROGRAMME")
local function list(name)
    local ids = {}
    for id in string.gmatch(os.getenv(name) or "", "[^,]+") do table.insert(ids, id) end
    return ids
end
common.plans = list("BENCH_PLANS")
common.persons = list("BENCH_PERSONS")

-- Ids are v7-shaped, as the API recommends (Idempotency-Key, and the ids of new streams and persons): a 48-bit
-- millisecond field, version 7, then random bits. Real v7 ids grow with the clock; here the millisecond field
-- starts at the thread's start time and steps by one per id (ahead of the clock under load, never backwards), so
-- index inserts land at the right edge as a client's v7 ids would. `BENCH_IDS=random` instead keeps one random
-- 48-bit prefix per thread, so inserts scatter across a growing key range: the worst case a client sending v4
-- ids causes. The random bits are drawn once per thread; a counter keeps ids unique at the cost of one
-- string.format, so the client spends its CPU (which it shares with the server here) on sending.
local counter = 0
local randomBits = ""
local millisecondsFrom = 0
local scattered = os.getenv("BENCH_IDS") == "random"
function common.seed(id)
    math.randomseed(os.time() * 1000 + id)
    local function hex(n) return string.format("%0" .. n .. "x", math.random(0, 16 ^ n - 1)) end
    millisecondsFrom = os.time() * 1000 + id
    if scattered then millisecondsFrom = math.random(0, 16 ^ 12 - 1) end
    randomBits = "-7" .. hex(3) .. "-" .. string.format("%x", 8 + math.random(0, 3)) .. hex(3) .. "-" .. hex(4)
end

function common.uuid()
    counter = counter + 1
    local milliseconds = scattered and millisecondsFrom or millisecondsFrom + counter
    local high = string.format("%012x", milliseconds)
    return string.sub(high, 1, 8) .. "-" .. string.sub(high, 9, 12) .. randomBits .. string.format("%08x", counter)
end

-- Requests are written out whole (wrk.format walks a header table on every call).
local function post(path, token, key, body)
    return "POST " .. path .. " HTTP/1.1\r\nHost: " .. common.host .. "\r\nAuthorization: Bearer " .. token
        .. "\r\nContent-Type: application/json\r\nIdempotency-Key: " .. key .. "\r\nContent-Length: " .. #body
        .. "\r\n\r\n" .. body
end

function common.get(path, token)
    return "GET " .. path .. " HTTP/1.1\r\nHost: " .. common.host .. "\r\nAuthorization: Bearer " .. token
        .. "\r\n\r\n"
end

-- A durable command: register a resident (POST /v1/persons) under a fresh key and person.
function common.command()
    local body = '{"personRef":"' .. common.uuid() .. '","purposeTags":["intake"],"identity":{"givenName":"Zofia",'
        .. '"familyName":"Nowakowska","sex":"female","ageBand":"75plus","district":"d-03"}}'
    return post("/v1/persons", common.clerk, common.uuid(), body)
end

-- A durable command on a person already known (their data key exists): a need signal opening a new application
-- stream, its description sealed with that key.
function common.signal()
    local person = common.persons[math.random(1, #common.persons)]
    local body = '{"personRef":"' .. person .. '","source":"family","channel":"phone","signalledOn":"2025-04-10",'
        .. '"description":"needs help with shopping"}'
    return post("/v1/applications/" .. common.uuid() .. "/need-signals", common.clerk, common.uuid(), body)
end

local views = { "PlanStatusView", "CoordinatorCaseload", "ApplicationQueue", "ProviderWorkload", "FeeLedgerView" }

function common.view()
    local view = views[math.random(1, #views)]
    return common.get("/v1/views/" .. view .. "?limit=20&offset=" .. math.random(0, 40), common.director)
end

function common.plan()
    return common.get("/v1/plans/" .. common.plans[math.random(1, #common.plans)], common.director)
end

function common.indicators()
    return common.get("/v1/programmes/" .. common.programme .. "/indicators?from=2025-01-01&to=2025-07-01",
        common.evaluator)
end

-- The documented mix (docs/benchmarks.md): 70 % view pages, 10 % one plan, 10 % M&E indicators, 10 % commands.
function common.mixed()
    local r = math.random(1, 100)
    if r <= 70 then return common.view() end
    if r <= 80 then return common.plan() end
    if r <= 90 then return common.indicators() end
    return common.command()
end

-- Counts answers by status class, reported by `done` as one JSON line the driver parses.
local threads = {}
function common.setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function common.report(summary, latency)
    local bad, lastBad = 0, 0
    for _, thread in ipairs(threads) do
        bad = bad + (thread:get("bad") or 0)
        if (thread:get("lastBad") or 0) > 0 then lastBad = thread:get("lastBad") end
    end
    io.write(string.format(
        'BENCH {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50ms":%.3f,"p90ms":%.3f,"p99ms":%.3f,"maxms":%.3f,'
            .. '"errors":%d,"unexpectedStatus":%d,"lastUnexpectedStatus":%d}\n',
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, bad, lastBad))
end

return common
