-- wrk script for the public survey page: each request answers a different unused link (the tokens of
-- bench/survey_links.py), as a customer's phone posts the form — with the form's double-submit CSRF
-- cookie and header; prints throughput, percentiles and every non-2xx answer (a link answered twice is 410).
local tokens = {}
local next_index = 1
local non2xx = 0
local threads = {}
local thread_count = 0

setup = function(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

init = function(args)
  local path = "bench/out/survey-tokens.txt"
  local mine = 0
  local count = 0
  for line in io.lines(path) do
    count = count + 1
    -- Two threads, so every other line is this thread's: no link is answered by both.
    if count % 2 == (id or 1) % 2 then
      mine = mine + 1
      tokens[mine] = line
    end
  end
end

request = function()
  local token = tokens[next_index]
  next_index = next_index + 1
  if token == nil then token = "exhausted" end
  local headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Cookie"] = "kefu_csrf=bench-survey"
  headers["X-CSRF-Token"] = "bench-survey"
  return wrk.format("POST", "/survey/" .. token, headers, "score=" .. tostring(1 + next_index % 5) .. "&resolved=yes&comment=")
end

response = function(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.0f p50=%.2f p95=%.2f p99=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
