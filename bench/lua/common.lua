-- Shared by the bench scripts: bench people's tokens, status counting, a JSON summary line.
-- Each wrk thread has its own Lua state; done() sums the threads' counters.

threads = {}
s2, s4, s5 = 0, 0, 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function token(i)
  return string.format("plzbench-%07d-token", i)
end

function count_status(status)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  else s2 = s2 + 1 end
end

function response(status, headers, body)
  count_status(status)
end

function done(summary, latency, requests)
  local t2, t4, t5 = 0, 0, 0
  for _, t in ipairs(threads) do
    t2 = t2 + t:get("s2"); t4 = t4 + t:get("s4"); t5 = t5 + t:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "mean_ms": %.3f, "p50_ms": %.3f, "p90_ms": %.3f, ' ..
    '"p99_ms": %.3f, "max_ms": %.3f, "ok": %d, "status_4xx": %d, "status_5xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, t2, t4, t5,
    e.connect + e.read + e.write + e.timeout))
end
