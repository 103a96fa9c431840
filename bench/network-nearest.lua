-- wrk script for bench/network.sh: GET /v1/network/sites/nearest at a random point of the
-- generated data's box (latitude 20–45, longitude 100–125, bench/network-generate.sql), with the
-- tenant's bearer token (BENCH_TOKEN) and BENCH_NEAREST_QUERY (the rest of the query string,
-- e.g. "capability=ac/repair&limit=5"). Threads seed differently, so they ask about other places.
local token = os.getenv("BENCH_TOKEN")
local rest = os.getenv("BENCH_NEAREST_QUERY") or "capability=ac/repair&limit=5"
local headers = { ["Authorization"] = "Bearer " .. token }

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "wrk-seed.lua")

function request()
  local path = string.format("/v1/network/sites/nearest?latitude=%.4f&longitude=%.4f&%s",
    20 + 25 * math.random(), 100 + 25 * math.random(), rest)
  return wrk.format("GET", path, headers)
end
