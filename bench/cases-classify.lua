-- wrk script for bench/cases.sh: POST /v1/cases/{id}/classify (received → classified, equipment,
-- subcategory noise) on the received cases listed in BENCH_IDS (one id a line), each once. Thread
-- i takes the ids i, i + s, i + 2s … (s = BENCH_STRIDE, at least the number of threads: a thread
-- starts before the next one is set up, so the stride cannot be counted here) after those that
-- earlier runs used, which done() adds up in BENCH_IDS.used: the warm-up, the measured run and
-- the one-connection run never classify a case twice (a second classify would be a 409, counted
-- as an error in the report).
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_IDS")
local ids = {}
for line in io.lines(path) do ids[#ids + 1] = line end

local function used()
  local file = io.open(path .. ".used")
  if not file then return 0 end
  local n = tonumber(file:read("*l")) or 0
  file:close()
  return n
end

local stride = tonumber(os.getenv("BENCH_STRIDE") or "2")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("first", #threads)
  thread:set("base", used())
  thread:set("stride", stride)
  assert(#threads <= stride, "BENCH_STRIDE must be at least the number of threads")
end

function init(args)
  taken = 0
end

function request()
  local id = ids[base + first + taken * stride]
  taken = taken + 1
  return wrk.format("POST", "/v1/cases/" .. (id or "00000000-0000-4000-8000-000000000000") .. "/classify",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
    '{"category":"equipment","subcategory":"noise","note":"设备问题"}')
end

function done(summary, latency, requests)
  local most = 0
  for _, thread in ipairs(threads) do most = math.max(most, thread:get("taken") or 0) end
  local total = used() + most * stride     -- read before the file is opened for writing, which empties it
  local file = io.open(path .. ".used", "w")
  file:write(total .. "\n")
  file:close()
end

-- With BENCH_DEBUG=FILE, every refused request's status and body is appended to FILE.
function response(status, headers, body)
  if status >= 300 and os.getenv("BENCH_DEBUG") then
    local file = io.open(os.getenv("BENCH_DEBUG"), "a")
    file:write(status .. " " .. body .. "\n")
    file:close()
  end
end
