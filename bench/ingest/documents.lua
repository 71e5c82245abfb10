-- One small, distinct JSON document per request (distinct, so idempotency cannot shortcut it).
local counter = 0
local prefix = ""
local key = os.getenv("AFA_KEY")

function init(args)
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
    prefix = tostring(math.random(1, 1000000000))
end

function request()
    counter = counter + 1
    local body = string.format('{"sensor":"s-%s-%d","reading":%d,"ok":true,"tags":["a","b"]}', prefix, counter, counter)
    return wrk.format("POST", "/api/v1/ingest",
        { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
end

function done(summary, latency, requests)
    local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    io.write(string.format("docs_per_second=%.0f non_2xx_or_errors=%d p99_ms=%.1f\n",
        summary.requests / (summary.duration / 1e6), errors, latency:percentile(99) / 1000))
end
