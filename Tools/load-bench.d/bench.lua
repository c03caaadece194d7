-- wrk -s bench.lua: BENCH_MODE = commands | signals | views | plans | indicators | mixed | constant; BENCH_DELAY_MS > 0 paces each connection (one
-- request, then that pause) for the fixed-rate run.
package.path = os.getenv("BENCH_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local mode = os.getenv("BENCH_MODE") or "mixed"
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")

setup = common.setup
done = common.report

function init(args)
    common.seed(id)
    common.host = wrk.host .. ":" .. tostring(wrk.port)
    bad = 0
    lastBad = 0
end

local requests = {
    commands = common.command, signals = common.signal, views = common.view, plans = common.plan,
    indicators = common.indicators, mixed = common.mixed,
    constant = function() return wrk.format("GET", "/constant") end,
}
request = requests[mode]

if pause > 0 then
    function delay() return pause end
end

function response(status, headers, body)
    if status >= 300 then
        bad = bad + 1
        lastBad = status
    end
end
