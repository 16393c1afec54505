-- wrk script: authenticated GET /api/v1/students?q=TERM&sort=SORT&pageSize=S, the term and the sort drawn at random
-- from the lists given, so that a run mixes rare and common words, numbers and two-word searches, and every sort.
--   LYCEUM_TOKEN      access token from POST /api/v1/auth/token (required)
--   BENCH_TERMS       search texts, URL-encoded, separated by commas (required)
--   BENCH_SORTS       sort parameters separated by commas (default lastName,-dateOfBirth,yearGroup,formGroup)
--   BENCH_PAGE_SIZE   page size (default 25)
-- Usage: LYCEUM_TOKEN=… BENCH_TERMS=smit,ann… wrk -t2 -c16 -d20s -s bench/students-search.lua http://127.0.0.1:PORT

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk-report.lua")

local token = os.getenv("LYCEUM_TOKEN")
if token == nil or token == "" then
   error("LYCEUM_TOKEN is not set")
end

local function split(text)
   local items = {}
   for item in string.gmatch(text or "", "[^,]+") do
      items[#items + 1] = item
   end
   return items
end

local terms = split(os.getenv("BENCH_TERMS"))
if #terms == 0 then
   error("BENCH_TERMS is not set")
end
local sorts = split(os.getenv("BENCH_SORTS") or "lastName,-dateOfBirth,yearGroup,formGroup")
local page_size = tonumber(os.getenv("BENCH_PAGE_SIZE") or "25")

wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"

local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_id", threads)
end

function init(args)
   math.randomseed(os.time() * 1000 + (thread_id or 0))
end

function request()
   return wrk.format("GET", "/api/v1/students?q=" .. terms[math.random(1, #terms)] .. "&sort=" ..
      sorts[math.random(1, #sorts)] .. "&pageSize=" .. page_size)
end
