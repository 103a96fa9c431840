-- wrk script for bench/cases.sh: POST /v1/cases as customer service records a new case: unit
-- BENCH_UNIT, a province drawn at random from BENCH_REGIONS (ids, comma-separated), a customer
-- phone of its own. Each request writes the case, its year's number, its history event and an
-- audit row.
local token = os.getenv("BENCH_TOKEN")
local unit = os.getenv("BENCH_UNIT")
local regions = {}
for id in string.gmatch(os.getenv("BENCH_REGIONS"), "[^,]+") do regions[#regions + 1] = id end
local counter = 0

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk-seed.lua")

function request()
  counter = counter + 1
  local body = string.format('{"customer":{"name":"王女士","phone":"138%08d"},'
    .. '"product":{"line":"washer","model":"XQG-80","serial_no":"SN-%d"},'
    .. '"description":"洗衣机脱水时噪音很大，已经持续三天","channel":"phone","unit_id":"%s","region_id":"%s"}',
    math.random(0, 99999999), counter, unit, regions[math.random(1, #regions)])
  return wrk.format("POST", "/v1/cases",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
