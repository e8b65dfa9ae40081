-- wrk script for the public inquiry form: each request a different visitor from a different
-- address (X-Forwarded-For, from 127.0.0.1 in KEFU_TRUSTED_PROXIES), so the per-address limit is not what
-- is measured; prints throughput, percentiles and every non-2xx answer.
local counter = 0
local non2xx = 0

request = function()
  counter = counter + 1
  local id = math.random(1, 1000000000)
  local body = string.format('{"name":"访客%d","mobile":"139%08d","company":"苏州恒达精密机械有限公司","intent":"manufacturing",' ..
    '"question":"想了解临港园区的厂房租金和补贴政策","consent":"true"}', id, id % 100000000)
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", id % 250, math.floor(id / 250) % 250, math.floor(id / 62500) % 250)
  return wrk.format("POST", "/api/v1/public/inquiries", headers, body)
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
