-- wrk script for bench/org.sh: GET requests with the tenant's bearer token (BENCH_TOKEN).
local token = os.getenv("BENCH_TOKEN")
wrk.headers["Authorization"] = "Bearer " .. token
