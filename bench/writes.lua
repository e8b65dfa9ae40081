-- wrk script for the write paths of issue 18 §9: KEFU_WRITE=customer (a new customer file per request),
-- communication or inquiry (on the customers listed in KEFU_CUSTOMERS, round robin), as the person of
-- KEFU_TOKEN. Prints throughput and percentiles; every non-2xx answer counts as an error.
local token = os.getenv("KEFU_TOKEN")
local kind = os.getenv("KEFU_WRITE") or "customer"
local customers = {}
for id in string.gmatch(os.getenv("KEFU_CUSTOMERS") or "", "%d+") do customers[#customers + 1] = id end
local counter = 0

request = function()
  counter = counter + 1
  local id = math.random(1, 999999999)
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  if kind == "customer" then
    local body = string.format('{"name":"压测客户%d","companyName":"压测科技%d有限公司","mobile":"19%09d","source":"phone",' ..
      '"duplicateReason":"load test"}', id, id, id)
    return wrk.format("POST", "/api/v1/customers", headers, body)
  end
  local customer = customers[(counter % #customers) + 1]
  if kind == "communication" then
    return wrk.format("POST", "/api/v1/customers/" .. customer .. "/communications", headers,
      string.format('{"channel":"phone","direction":"inbound","summary":"电话回访第%d次，客户关心厂房租金"}', id))
  end
  return wrk.format("POST", "/api/v1/inquiries", headers,
    string.format('{"customerID":%s,"channel":"phone","question":"第%d次咨询：园区的税收优惠政策有哪些？","answer":"已介绍三免三减半政策"}', customer, id))
end

local failed = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then failed = failed + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d rps=%.0f p50=%.2f p95=%.2f p99=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
