-- wrk script: POST the PNG named by the DIGIT_PNG environment variable to /predict. wrk itself counts answers
-- with a status of 400 or more (summary.errors.status). There is deliberately no response() callback: with one,
-- wrk hands every response's headers and body to Lua, which costs the load generator (and so, on a shared
-- machine, the server measured) CPU time for nothing.
local file = assert(io.open(os.getenv("DIGIT_PNG"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "image/png"
wrk.path = "/predict"

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.1f p50_us=%d p99_us=%d errors=%d non200=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    summary.errors.status))
end
