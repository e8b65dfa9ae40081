-- wrk script: prints the latency percentiles the speed goals name (p50, p95, p99) in milliseconds,
-- and counts non-2xx answers so an error page cannot pass for a fast one.
local token = os.getenv("KEFU_TOKEN")
local cookie = os.getenv("KEFU_COOKIE")
local non2xx = 0

request = function()
  local headers = {}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", nil, headers)
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
