-- POST /api/v1/items with a unique SKU per request (authenticated create with validation).
local counter = 0
local tid = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
end
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json"
local run = os.getenv("BENCH_RUN") or "0"
function request()
  counter = counter + 1
  local body = string.format('{"sku":"W%s-%d-%d","name":"Wrk item","description":"<p>ok</p>","unit":"pcs","unitCost":2.5}', run, tid, counter)
  return wrk.format(nil, nil, nil, body)
end
