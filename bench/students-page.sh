#!/usr/bin/env bash
# Benchmark: the students page (GET /students, signed in with a cookie from the sign-in form) as a browser loads it
# first, beside GET /api/v1/students?page=N and /health/live in the same run, on PostgreSQL with 15,000 students; and
# the app's memory per interactive circuit with N browser contexts of Debian's Chromium on that page at once
# (bench/circuits). Figures go to docs/benchmarks.md.
#
# The page renders interactively on the server: its first load is the prerendered HTML (layout, header, toolbar and
# an empty grid marked as loading); the grid's rows arrive over the circuit after blazor.web.js has connected. wrk
# measures the first load only. The circuits tool measures what keeping each open page costs the server.
#
# Usage: bench/students-page.sh           (from anywhere; root installs/starts what is missing)
# Environment (all optional): those of bench/lib.sh (BENCH_DURATION, BENCH_WARMUP, BENCH_THREADS, BENCH_CONNECTIONS,
# BENCH_REF, BENCH_RESET, BENCH_RESULTS, BENCH_QUIET_WAIT), and
#   BENCH_CONTEXTS=100     browser contexts (circuits) open at once; 0 skips the circuits part
#   BENCH_KEEPALIVE=135    seconds to wait, all contexts open, for Kestrel to close their idle keep-alive connections
#                          (KeepAliveTimeout: 130 s by default) before the circuit-only sample
#   BENCH_TOOLS=<dir>      where dotnet-gcdump is installed (default ~/.cache/lyceum-bench/tools)
# With BENCH_REF the app is built from that commit; the wrk scripts and bench/circuits come from the working tree.
#
# Runtime: build and setup ~1.5 min, circuits ~6 min (opening 100 tabs, settling, the keep-alive wait, closing), wrk
# ~3 min, plus any wait for a quiet machine.
set -euo pipefail

BENCH_NAME=students-page
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONTEXTS=${BENCH_CONTEXTS:-100}
KEEPALIVE=${BENCH_KEEPALIVE:-135}
TOOLS=${BENCH_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/lyceum-bench/tools}
GCDUMP_VERSION=10.0.750501
CHROMIUM=/usr/bin/chromium
PAGE=/students
# The target the issue sets for the memory each interactive circuit costs the server.
CIRCUIT_TARGET_KB=350

bench_setup chromium

# --- 5b. The circuits tool: Debian's Chromium through Playwright (no browser download), dotnet-gcdump to force a
# full GC in the app before each memory sample (and to see which types grew).
if [[ $CONTEXTS -gt 0 ]]; then
    [[ -x $CHROMIUM ]] || die "$CHROMIUM not found (Debian package chromium)"
    if [[ ! -x $TOOLS/dotnet-gcdump ]]; then
        log "installing dotnet-gcdump $GCDUMP_VERSION into $TOOLS"
        dotnet tool install dotnet-gcdump --version "$GCDUMP_VERSION" --tool-path "$TOOLS" >"$WORK/gcdump-install.log" 2>&1 \
            || { cat "$WORK/gcdump-install.log" >&2; die "could not install dotnet-gcdump"; }
    fi
    dotnet build "$BENCH_DIR/circuits" -c Release -nologo -v q >"$WORK/circuits-build.log" 2>&1 \
        || { tail -40 "$WORK/circuits-build.log" >&2; die "bench/circuits does not build"; }
    CIRCUITS_DLL=$BENCH_DIR/circuits/bin/Release/net10.0/Circuits.dll
fi

# --- 5c. Callers: an access token for the API, a session cookie from the sign-in form for the page ----------------
TOKEN=$(sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")
export LYCEUM_TOKEN=$TOKEN BENCH_PAGES=$PAGES BENCH_PAGE_SIZE=$PAGE_SIZE
check_list "$TOKEN" "$STUDENTS" "$PAGES" "$ADMIN_EMAIL"
log "administrator token ok; students list answers (totalCount $STUDENTS, $PAGES pages of $PAGE_SIZE)"

# cookie_sign_in EMAIL PASSWORD: signs in with the form as a browser does (GET /sign-in for the antiforgery token and
# cookie, POST the form back) and prints the lyceum.session cookie's value, or dies.
cookie_sign_in() {
    local jar=$WORK/cookies.txt form token status session
    rm -f "$jar"
    form=$(curl -fsS --max-time 10 -c "$jar" -b "$jar" "$BASE/sign-in") || die "GET /sign-in failed"
    token=$(grep -o 'name="__RequestVerificationToken" value="[^"]*"' <<<"$form" | head -1 | sed 's/.*value="//; s/"$//')
    [[ -n $token ]] || die "GET /sign-in: no __RequestVerificationToken in the form"
    status=$(curl -sS --max-time 10 -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
        --data-urlencode _handler=sign-in --data-urlencode "__RequestVerificationToken=$token" \
        --data-urlencode "Input.Email=$1" --data-urlencode "Input.Password=$2" --data-urlencode ReturnUrl=/ \
        "$BASE/sign-in")
    # curl writes HttpOnly cookies as "#HttpOnly_HOST …" lines.
    session=$(awk '$6 == "lyceum.session" { print $7 }' "$jar")
    [[ $status == 302 && -n $session ]] || die "POST /sign-in as $1 answered $status without a lyceum.session cookie"
    printf '%s' "$session"
}

COOKIE=$(cookie_sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")
export LYCEUM_COOKIE=$COOKIE

# The page must answer 200 with itself (not a redirect to /sign-in), prerendered for an interactive server circuit;
# without the cookie it must send the browser to sign in, so that the cookie is what the runs measure.
ACCEPT='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
anonymous=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{redirect_url}' -H "Accept: $ACCEPT" "$BASE$PAGE")
[[ $anonymous == 302\ *sign-in* ]] || die "GET $PAGE without a cookie answered '$anonymous', expected a redirect to /sign-in"
read -r status PAGE_BYTES < <(curl -sS --max-time 10 -o "$WORK/page.html" -w '%{http_code} %{size_download}\n' \
    -H "Accept: $ACCEPT" -H "Cookie: lyceum.session=$COOKIE" "$BASE$PAGE")
[[ $status == 200 ]] || die "GET $PAGE with the session cookie answered $status"
grep -q '<h1>Students</h1>' "$WORK/page.html" || die "GET $PAGE: no <h1>Students</h1> in the page"
grep -q '<!--Blazor:{"type":"server"' "$WORK/page.html" || die "GET $PAGE: no interactive server component marker in the page"
PAGE_ROWS=$({ grep -o 'ly-row-link' "$WORK/page.html" || true; } | wc -l)
script_status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$BASE/_framework/blazor.web.js")
[[ $script_status == 200 ]] || die "GET /_framework/blazor.web.js answered $script_status (static web assets not served)"
log "page ok: GET $PAGE answers 200 with $PAGE_BYTES bytes of prerendered HTML ($PAGE_ROWS grid rows in it); anonymous: $anonymous; blazor.web.js 200"

# --- 6. wrk runs, then circuits ---------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS_DIR/students-page-$STAMP.txt
TABLE=$RESULTS_DIR/students-page-$STAMP.md
raw_header "bench/students-page.sh $STAMP"
{
    echo "runs: ${DURATION}s each, $THREADS threads, connections ${CONNECTIONS[*]}; warm-up ${WARMUP}s; $STUDENTS students"
    echo "caller: administrator $ADMIN_EMAIL (every student); page: cookie from POST /sign-in; API: bearer token, random page 1..$PAGES, pageSize $PAGE_SIZE"
    echo "page: GET $PAGE answers 200 with $PAGE_BYTES bytes of prerendered HTML, $PAGE_ROWS grid rows in it; without the cookie: $anonymous"
    echo "circuits: $CONTEXTS browser contexts of $("$CHROMIUM" --version 2>/dev/null | head -1), keep-alive wait ${KEEPALIVE}s; app: ASPNETCORE_ENVIRONMENT=$ASPNETCORE_ENVIRONMENT, default CircuitOptions, GC: $(grep -o '"System.GC.Server": [a-z]*' "${DLL%.dll}.runtimeconfig.json" || echo 'workstation (default)')"
} >>"$RAW"

REPORT=$BENCH_DIR/wrk-report.lua
PAGE_LUA=$BENCH_DIR/students-page.lua
STUDENTS_LUA=$BENCH_DIR/students.lua
HEALTH=/health/live
LIST="/api/v1/students?page=random&pageSize=$PAGE_SIZE"

wait_quiet
if [[ $WARMUP -gt 0 ]]; then
    # In subshells like the measured runs, so that `times` in run_wrk counts this wrk only.
    (run_wrk "warm-up $PAGE" 64 "$WARMUP" "$PAGE_LUA" "$PAGE") >/dev/null
    (run_wrk "warm-up students" 64 "$WARMUP" "$STUDENTS_LUA" /api/v1/students) >/dev/null
    (run_wrk "warm-up $HEALTH" 64 "$WARMUP" "$REPORT" "$HEALTH") >/dev/null
fi

declare -A RESULT
for c in "${CONNECTIONS[@]}"; do
    RESULT[health,$c]=$(run_wrk "$HEALTH" "$c" "$DURATION" "$REPORT" "$HEALTH")
done
for c in "${CONNECTIONS[@]}"; do
    RESULT[page,$c]=$(run_wrk "GET $PAGE (first load, signed in)" "$c" "$DURATION" "$PAGE_LUA" "$PAGE")
    # A redirect to /sign-in is not an HTTP error to wrk: every answer must be at least the page's size.
    r=${RESULT[page,$c]}
    awk -v b="$(field "$r" bytes)" -v n="$(field "$r" requests)" -v p="$PAGE_BYTES" 'BEGIN { exit !(n > 0 && b / n >= p) }' \
        || die "GET $PAGE at c$c: $(field "$r" bytes) bytes for $(field "$r" requests) answers, less than the page's $PAGE_BYTES each (redirects?)"
done
for c in "${CONNECTIONS[@]}"; do
    RESULT[students,$c]=$(run_wrk "GET $LIST" "$c" "$DURATION" "$STUDENTS_LUA" /api/v1/students)
done

# The circuits after the wrk runs: in trial runs with the circuits first, /health/live then ran ~27 % below its
# figure in students-api.sh on the same commit (more app CPU per request after 100 circuits had come and gone), so the
# wrk figures come first and a short /health/live run after the circuits shows the effect in the same run. The memory
# figures are deltas from a baseline taken after a full GC, after a few warm-up tabs.
if [[ $CONTEXTS -gt 0 ]]; then
    wait_quiet
    log "circuits: $CONTEXTS browser contexts on $PAGE (a few minutes)"
    mkdir -p "$WORK/gcdump"
    set +e
    timeout 1800 dotnet "$CIRCUITS_DLL" --base "$BASE" --pid "$APP_PID" --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
        --contexts "$CONTEXTS" --keep-alive "$KEEPALIVE" --gcdump "$TOOLS/dotnet-gcdump" --out "$WORK/gcdump" \
        --chromium "$CHROMIUM" >"$WORK/circuits.out" 2>"$WORK/circuits.err"
    rc=$?
    set -e
    {
        echo
        echo "## circuits ($CONTEXTS contexts on $PAGE)"
        echo "\$ dotnet bench/circuits/bin/Release/net10.0/Circuits.dll --base $BASE --pid $APP_PID --email $ADMIN_EMAIL --password … --contexts $CONTEXTS --keep-alive $KEEPALIVE --gcdump dotnet-gcdump --out DIR --chromium $CHROMIUM"
        cat "$WORK/circuits.err" "$WORK/circuits.out"
    } >>"$RAW"
    mkdir -p "${RAW%.txt}.gcdump"
    cp "$WORK"/gcdump/*.txt "${RAW%.txt}.gcdump/" 2>/dev/null || true
    [[ $rc == 0 ]] || { tail -20 "$WORK/circuits.err" >&2; die "the circuits tool failed (exit $rc; see $RAW)"; }
    kill -0 "$APP_PID" 2>/dev/null || app_gone
    wait_quiet
    AFTER=$(run_wrk "$HEALTH after the circuits" "${CONNECTIONS[0]}" "$DURATION" "$REPORT" "$HEALTH")
fi

app_log_summary

# --- 7. Tables --------------------------------------------------------------------------------------------------
# circuit_value LINE KEY: a key=value field of a CIRCUITS_ line (values may be quoted).
circuit_value() { sed -n "s/.* $2=\"\\{0,1\\}\\([^\" ]*\\).*/\\1/p" <<<"$1"; }
mb() { awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") print "n/a"; else printf "%.1f", v / 1048576 }'; }
{
    result_tables \
        "health|\`GET $HEALTH\`|GET $HEALTH" \
        "page|\`GET $PAGE\` (first load: prerendered HTML, $PAGE_BYTES bytes)|GET $PAGE" \
        "students|\`GET $LIST\` (administrator: all $STUDENTS)|GET /api/v1/students"
    if [[ $CONTEXTS -gt 0 ]]; then
        echo
        # shellcheck disable=SC2016 # the backquotes are Markdown's
        printf 'After the circuits (all closed), same process: `GET %s` c%s: %.0f requests/s, p95 %s ms; app %s cores, wrk %s, other %s.\n' \
            "$HEALTH" "${CONNECTIONS[0]}" "$(field "$AFTER" rps)" "$(field "$AFTER" p95_ms)" "$(field "$AFTER" cpu_app)" \
            "$(field "$AFTER" cpu_wrk)" "$(field "$AFTER" cpu_other)"
        echo
        grep '^CIRCUITS_OPEN' "$WORK/circuits.out" | sed 's/^CIRCUITS_OPEN /Opening: /'
        grep '^CIRCUITS_CHECK' "$WORK/circuits.out" | sed 's/^CIRCUITS_CHECK /Check: /'
        echo
        echo "Memory of the app process at each step (full GC forced by dotnet-gcdump before each, unless \"gc none\"):"
        echo
        echo "| step | GC | VmRSS (MB) | live managed heap (MB) | GC.GetTotalMemory (MB) | circuits active | TCP connections |"
        echo "|---|---|---:|---:|---:|---:|---:|"
        while IFS= read -r line; do
            label=$(sed -n 's/.*label="\([^"]*\)".*/\1/p' <<<"$line")
            printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$(circuit_value "$line" gc)" \
                "$(awk -v v="$(circuit_value "$line" rss_kb)" 'BEGIN { printf "%.1f", v / 1024 }')" \
                "$(mb "$(circuit_value "$line" live_bytes)")" "$(mb "$(circuit_value "$line" total_memory_bytes)")" \
                "$(circuit_value "$line" circuits_active)" "$(circuit_value "$line" connections)"
        done < <(grep '^CIRCUITS_SAMPLE' "$WORK/circuits.out")
        echo
        echo "Per circuit ($CONTEXTS contexts; difference from the baseline divided by $CONTEXTS):"
        echo
        echo "| what | live managed heap (KB) | GC.GetTotalMemory (KB) | VmRSS (KB) | VmRSS before GC (KB) | TCP connections (all) |"
        echo "|---|---:|---:|---:|---:|---:|"
        while IFS= read -r line; do
            what=$(sed -n 's/.*what="\([^"]*\)".*/\1/p' <<<"$line")
            printf '| %s | %s | %s | %s | %s | %s |\n' "$what" "$(circuit_value "$line" live_kb)" \
                "$(circuit_value "$line" total_memory_kb)" "$(circuit_value "$line" rss_kb)" \
                "$(circuit_value "$line" rss_before_gc_kb)" "$(circuit_value "$line" connections)"
        done < <(grep '^CIRCUITS_PER_CIRCUIT' "$WORK/circuits.out")
        echo
        circuit=$(grep '^CIRCUITS_PER_CIRCUIT what="circuit ' "$WORK/circuits.out" || true)
        tab=$(grep '^CIRCUITS_PER_CIRCUIT what="tab open' "$WORK/circuits.out" || true)
        echo "Target: ≤ $CIRCUIT_TARGET_KB KB per circuit, judged on the live managed heap after a full GC with the tabs' idle keep-alive connections closed."
        for pair in "circuit|$circuit" "tab open, keep-alive connections included|$tab"; do
            name=${pair%%|*} line=${pair#*|}
            awk -v kb="$(circuit_value "$line" live_kb)" -v t="$CIRCUIT_TARGET_KB" -v n="$name" 'BEGIN {
                if (kb == "" || kb == "n/a") { print "- " n ": not measured"; exit }
                printf "- %s: %s KB, %s (%.0f%% of the target)\n", n, kb, (kb <= t ? "met" : "not met"), 100 * kb / t }'
        done
    fi
} >"$TABLE"

log "raw output: ${RAW#"$ROOT"/}"
log "table:      ${TABLE#"$ROOT"/}"
echo
echo "commit $COMMIT, $(nproc) cores, ${DURATION}s per run"
echo
cat "$TABLE"
