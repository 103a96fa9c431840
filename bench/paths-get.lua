-- wrk script for bench/cache-memory.sh: GETs of the paths listed in the file BENCH_PATHS (one a
-- line), each wrk thread walking the list round-robin from its own offset, with the tenant's
-- bearer token (BENCH_TOKEN).
local token = os.getenv("BENCH_TOKEN")
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 97)
end

local next_index = nil
function request()
  if next_index == nil then next_index = (offset or 0) % #paths end
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index], { ["Authorization"] = "Bearer " .. token })
end
