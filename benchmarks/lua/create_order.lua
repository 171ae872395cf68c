-- wrk script: POST create v6 with a valid one-line body and a fresh PO per request,
-- counting non-2xx answers. Environment: BENCH_TOKEN, BENCH_RUN (a short tag that keeps POs
-- unique across runs against one server), BENCH_CUSTOMER, BENCH_COUNTRY.

wrk.method = "POST"
wrk.path = "/resellers/v6/orders"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["IM-CustomerNumber"] = os.getenv("BENCH_CUSTOMER") or "20-222222"
wrk.headers["IM-CountryCode"] = os.getenv("BENCH_COUNTRY") or "US"
wrk.headers["IM-CorrelationID"] = "wrk-create-order"
wrk.headers["Content-Type"] = "application/json"

local run = os.getenv("BENCH_RUN") or "r"
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  firstbad = ""
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"customerOrderNumber":"W%s-%d-%d","lines":[{"customerLineNumber":"1",'
      .. '"ingramPartNumber":"2GZ200","quantity":1}]}',
    run, id, counter)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if firstbad == "" then
      firstbad = status .. " " .. string.gsub(string.sub(body or "", 1, 300), "\n", " ")
    end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    if first == "" then first = t:get("firstbad") end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d "
      .. "connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, bad, e.connect, e.read, e.write, e.timeout))
  if first ~= "" then io.write("FIRSTBAD " .. first .. "\n") end
end
