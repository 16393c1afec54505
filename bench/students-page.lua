-- wrk script: a signed-in browser's first load of a page (GET of the URL's path, default /students), sent with the
-- cookie of a form sign-in and a browser's Accept header. The answer is the server-rendered (prerendered) HTML; what
-- the page does afterwards over its interactive circuit is not part of it.
--   LYCEUM_COOKIE   value of the lyceum.session cookie from POST /sign-in (required)
-- students-page.sh runs it beside /health/live and the students API.
-- Usage: LYCEUM_COOKIE=… wrk -t2 -c16 -d20s -s bench/students-page.lua http://127.0.0.1:PORT/students

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk-report.lua")

local cookie = os.getenv("LYCEUM_COOKIE")
if cookie == nil or cookie == "" then
   error("LYCEUM_COOKIE is not set")
end

wrk.headers["Cookie"] = "lyceum.session=" .. cookie
wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
wrk.headers["Accept-Language"] = "en-GB,en;q=0.9"
