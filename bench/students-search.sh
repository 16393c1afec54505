#!/usr/bin/env bash
# Benchmark: the students list with a search term and a sort, on a district's numbers: 50,000 students over 10
# schools, authenticated as the administrator (every student), beside /health/live in the same run (this machine's
# ceiling for the app). Target (issue 5): p95 ≤ 50 ms at concurrency 16, on SQLite and on PostgreSQL.
#
# Usage: BENCH_PROVIDER=Sqlite bench/students-search.sh      (and BENCH_PROVIDER=PostgreSql, the default)
# The search texts come from the seeded data: the first four letters of 30 surnames, 10 first names, 5 student
# numbers and 5 two-word searches ("first-name-start surname-start"), so every one finds someone. Sorts: last name,
# date of birth descending, year group, form. Other settings (BENCH_DURATION, BENCH_CONNECTIONS, BENCH_RESET…): see
# bench/lib.sh. Runtime: seeding 50,000 students once per database (1–5 min), then ~3 min of wrk.
set -euo pipefail

BENCH_NAME=students-search
: "${BENCH_STUDENTS:=50000}" "${BENCH_SCHOOLS:=10}"
export BENCH_STUDENTS BENCH_SCHOOLS
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# shellcheck disable=SC2119 # no extra packages
bench_setup

TOKEN=$(sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")
check_list "$TOKEN" "$STUDENTS" "$PAGES" "$ADMIN_EMAIL"
log "administrator token ok; the list holds $STUDENTS students"

# --- Search texts from the data (lower case, letters and digits only: nothing to escape in a URL) -------------------
terms=()
while IFS= read -r t; do terms+=("$t"); done < <(db_query "SELECT DISTINCT lower(substr(\"LastName\", 1, 4)) FROM \"Students\" WHERE length(\"LastName\") >= 4 ORDER BY 1 LIMIT 30")
while IFS= read -r t; do terms+=("$t"); done < <(db_query "SELECT DISTINCT lower(\"FirstName\") FROM \"Students\" ORDER BY 1 LIMIT 10")
while IFS= read -r t; do terms+=("$t"); done < <(db_query "SELECT \"StudentNumber\" FROM \"Students\" ORDER BY \"Id\" DESC LIMIT 5")
while IFS= read -r t; do terms+=("$t"); done < <(db_query "SELECT lower(substr(\"FirstName\", 1, 3)) || '%20' || lower(substr(\"LastName\", 1, 3)) FROM \"Students\" WHERE \"Id\" % 4999 = 1 LIMIT 8")
# Plain ones only (O'Brien's "o'br" would need escaping in the URL; it is searched like any other in the tests).
plain=()
for t in "${terms[@]}"; do [[ $t =~ ^[a-z0-9]+(%20[a-z0-9]+)?$ ]] && plain+=("$t"); done
terms=("${plain[@]}")
[[ ${#terms[@]} -ge 20 ]] || die "only ${#terms[@]} plain search texts from the data"
BENCH_TERMS=$(IFS=,; echo "${terms[*]}")
export LYCEUM_TOKEN=$TOKEN BENCH_TERMS BENCH_PAGE_SIZE=$PAGE_SIZE

# Every text finds someone (a search that finds nobody would flatter the figures).
for t in "${terms[@]}"; do
    total=$(curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/students?q=$t&sort=lastName&pageSize=$PAGE_SIZE" | jq -r '.totalCount')
    [[ $total =~ ^[0-9]+$ && $total -ge 1 ]] || die "search '$t' found $total students"
done
log "${#terms[@]} search texts, each finds at least one student"

# --- wrk runs ------------------------------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS_DIR/students-search-$PROVIDER-$STAMP.txt
TABLE=$RESULTS_DIR/students-search-$PROVIDER-$STAMP.md
raw_header "bench/students-search.sh ($PROVIDER) $STAMP"
{
    echo "runs: ${DURATION}s each, $THREADS threads, connections ${CONNECTIONS[*]}; warm-up ${WARMUP}s; $PROVIDER; $STUDENTS students in $SCHOOLS schools; pageSize $PAGE_SIZE"
    echo "search texts (${#terms[@]}): ${terms[*]}"
} >>"$RAW"

REPORT=$BENCH_DIR/wrk-report.lua
SEARCH_LUA=$BENCH_DIR/students-search.lua
HEALTH=/health/live
LIST="/api/v1/students?q=<term>&sort=<sort>&pageSize=$PAGE_SIZE"

wait_quiet
if [[ $WARMUP -gt 0 ]]; then
    (run_wrk "warm-up search" 16 "$WARMUP" "$SEARCH_LUA" /api/v1/students) >/dev/null
    (run_wrk "warm-up $HEALTH" 16 "$WARMUP" "$REPORT" "$HEALTH") >/dev/null
fi

declare -A RESULT
for c in "${CONNECTIONS[@]}"; do
    RESULT[health,$c]=$(run_wrk "$HEALTH" "$c" "$DURATION" "$REPORT" "$HEALTH")
done
for c in "${CONNECTIONS[@]}"; do
    RESULT[search,$c]=$(run_wrk "GET $LIST as administrator" "$c" "$DURATION" "$SEARCH_LUA" /api/v1/students)
done

app_log_summary

{
    result_tables \
        "health|\`GET $HEALTH\`|GET $HEALTH" \
        "search|\`GET $LIST\` ($PROVIDER, all $STUDENTS)|GET /api/v1/students?q (administrator)"
    echo
    echo "Target: p95 ≤ 50 ms at concurrency 16 ($PROVIDER, $STUDENTS students, a search term and a sort)."
    for c in "${CONNECTIONS[@]}"; do
        r=${RESULT[search,$c]}
        verdict=$(awk -v p95="$(field "$r" p95_ms)" 'BEGIN { print (p95 <= 50) ? "met" : "not met" }')
        echo "- c$c: p95 $(field "$r" p95_ms) ms — $verdict$([[ $c != 16 ]] && echo ' (only c16 is the target)')"
    done
} >"$TABLE"

log "raw output: ${RAW#"$ROOT"/}"
log "table:      ${TABLE#"$ROOT"/}"
echo
echo "commit $COMMIT, $(nproc) cores, ${DURATION}s per run"
echo
cat "$TABLE"
