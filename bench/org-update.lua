-- wrk script for bench/org.sh: PATCH /v1/positions/{id} on positions picked at random from the
-- file BENCH_IDS (one id a line), each with a new title, so every request writes a version, an
-- audit row and an org_changes row. Threads seed differently so they rarely hit the same row.
local token = os.getenv("BENCH_TOKEN")
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local counter = 0

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk-seed.lua")

function request()
  counter = counter + 1
  local id = ids[math.random(1, #ids)]
  local body = '{"title":"岗位-' .. counter .. '"}'
  return wrk.format("PATCH", "/v1/positions/" .. id,
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
