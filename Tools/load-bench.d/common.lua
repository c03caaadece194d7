-- Shared by the load-bench scripts: tokens and ids come from the environment (set by Tools/load-bench), each
-- wrk thread seeds its own generator, and a fresh v4 UUID serves as Idempotency-Key and personRef.
local common = {}

common.director = os.getenv("BENCH_DIRECTOR")
common.clerk = os.getenv("BENCH_CLERK")
common.evaluator = os.getenv("BENCH_EVALUATOR")
common.programme = os.getenv("BENCH_PROGRAMME")
common.plans = {}
for id in string.gmatch(os.getenv("BENCH_PLANS") or "", "[^,]+") do table.insert(common.plans, id) end

local counter = 0
function common.seed(id)
    math.randomseed(os.time() * 1000 + id)
    counter = id * 1000000
end

local function hex(n) return string.format("%0" .. n .. "x", math.random(0, 16 ^ n - 1)) end

function common.uuid()
    counter = counter + 1
    local tail = string.format("%012x", counter)
    return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" .. string.format("%x", 8 + math.random(0, 3))
        .. hex(3) .. "-" .. tail
end

function common.get(path, token)
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

-- A durable command: register a resident (POST /v1/persons) under a fresh key and person.
function common.command()
    local body = '{"personRef":"' .. common.uuid() .. '","purposeTags":["intake"],"identity":{"givenName":"Zofia",'
        .. '"familyName":"Nowakowska","sex":"female","ageBand":"75plus","district":"d-03"}}'
    return wrk.format("POST", "/v1/persons", {
        ["Authorization"] = "Bearer " .. common.clerk,
        ["Content-Type"] = "application/json",
        ["Idempotency-Key"] = common.uuid(),
    }, body)
end

local views = { "PlanStatusView", "CoordinatorCaseload", "ApplicationQueue", "ProviderWorkload", "FeeLedgerView" }

-- The documented mix (docs/benchmarks.md): 70 % view pages, 10 % one plan, 10 % M&E indicators, 10 % commands.
function common.mixed()
    local r = math.random(1, 100)
    if r <= 70 then
        local view = views[math.random(1, #views)]
        return common.get("/v1/views/" .. view .. "?limit=20&offset=" .. math.random(0, 40), common.director)
    elseif r <= 80 then
        return common.get("/v1/plans/" .. common.plans[math.random(1, #common.plans)], common.director)
    elseif r <= 90 then
        return common.get("/v1/programmes/" .. common.programme .. "/indicators?from=2025-01-01&to=2025-07-01",
            common.evaluator)
    end
    return common.command()
end

-- Counts answers by status class, reported by `done` as one JSON line the driver parses.
local threads = {}
function common.setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

function common.report(summary, latency)
    local bad = 0
    for _, thread in ipairs(threads) do bad = bad + (thread:get("bad") or 0) end
    io.write(string.format(
        'BENCH {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50ms":%.3f,"p90ms":%.3f,"p99ms":%.3f,"maxms":%.3f,'
            .. '"errors":%d,"unexpectedStatus":%d}\n',
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, bad))
end

return common
