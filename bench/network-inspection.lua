-- wrk script for bench/network.sh's inspection create (off until the endpoint exists, see
-- measure_inspection_create there): POST /v1/network/sites/{id}/inspections on sites picked at
-- random from the file BENCH_IDS (one id a line), scoring the checklist BENCH_TEMPLATE (items
-- i1–i5 of 10 points, bench/network-generate.sql) 8 each (total 80, above the default probation
-- threshold of 60, so no site changes status), inspected by the position BENCH_INSPECTOR on
-- BENCH_DAY. The body follows the inspections table (sql/0025); check it against the endpoint
-- when it lands.
local token = os.getenv("BENCH_TOKEN")
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local body = string.format('{"template_id":"%s","inspected_on":"%s","inspector_position_id":"%s",'
  .. '"scores":[{"item":"i1","score":8},{"item":"i2","score":8},{"item":"i3","score":8},'
  .. '{"item":"i4","score":8},{"item":"i5","score":8}],"findings":"bench"}',
  os.getenv("BENCH_TEMPLATE"), os.getenv("BENCH_DAY"), os.getenv("BENCH_INSPECTOR"))
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk-seed.lua")

function request()
  return wrk.format("POST", "/v1/network/sites/" .. ids[math.random(1, #ids)] .. "/inspections", headers, body)
end
