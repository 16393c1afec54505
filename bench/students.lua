-- wrk script: authenticated GET /api/v1/students?page=N&pageSize=S with N drawn at random from 1..BENCH_PAGES,
-- so that the run covers shallow and deep pages alike (OFFSET grows with N).
--   LYCEUM_TOKEN     access token from POST /api/v1/auth/token (required)
--   BENCH_PAGES      highest page number (default 600: 15,000 students at 25 a page)
--   BENCH_PAGE_SIZE  page size (default 25)
-- students-api.sh runs it twice over: with an administrator's token (pages 1..600) and with a scoped caller's (the
-- demo teacher: BENCH_PAGES from the totalCount that caller is shown, so every request asks for a page that exists).
-- Usage: LYCEUM_TOKEN=… wrk -t2 -c16 -d20s -s bench/students.lua http://127.0.0.1:PORT

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk-report.lua")

local token = os.getenv("LYCEUM_TOKEN")
if token == nil or token == "" then
   error("LYCEUM_TOKEN is not set")
end

local pages = tonumber(os.getenv("BENCH_PAGES") or "600")
local page_size = tonumber(os.getenv("BENCH_PAGE_SIZE") or "25")

wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"

local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_id", threads)
end

function init(args)
   -- A different sequence per thread and per run.
   math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
   return wrk.format("GET", "/api/v1/students?page=" .. math.random(1, pages) .. "&pageSize=" .. page_size)
end
