#!/usr/bin/env bash
# Benchmark: authenticated GET /api/v1/students?page=N on PostgreSQL with 15,000 students, beside /health/live in
# the same run (this machine's ceiling for the app). Figures go to docs/benchmarks.md.
# Two callers: an administrator (no scope filter: every student, pages 1..600) and the demo teacher
# teacher@demo.lyceum.local (scope "own sections": only the students of their current sections, pages 1..N where N
# comes from the totalCount it is shown after signing in). Both pay for the per-request read of the caller's grants.
#
# Usage: bench/students-api.sh            (from anywhere; root installs/starts what is missing)
# Environment (all optional): BENCH_DURATION, BENCH_WARMUP, BENCH_THREADS, BENCH_CONNECTIONS, BENCH_REF, BENCH_RESET,
# BENCH_RESULTS, BENCH_QUIET_WAIT, described at the top of bench/lib.sh, which holds what this script shares with the
# other benchmarks (database, build, app, wrk runs, CPU split, tables).
#
# Everything listens and connects on 127.0.0.1 only. The app is stopped on exit, also on failure; PostgreSQL is left
# running. Runtime: about 1 min build and seed on a fresh database (less on re-runs), then ~2.5 min of wrk.
# Each run also reports where the CPU went (app, PostgreSQL, wrk, anything else on the machine), in cores busy: the
# generator shares the machine with the app and the database, and "other" shows whether something else disturbed it.
set -euo pipefail

BENCH_NAME=students-api
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# shellcheck disable=SC2119 # no extra packages
bench_setup

# --- 5b. Callers: the administrator and the demo teacher ------------------------------------------------------------
TOKEN=$(sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")
export LYCEUM_TOKEN=$TOKEN BENCH_PAGES=$PAGES BENCH_PAGE_SIZE=$PAGE_SIZE

# One checked request per end of the list: 200, the right total, a full page.
check_list "$TOKEN" "$STUDENTS" "$PAGES" "$ADMIN_EMAIL"
log "administrator token ok; students list answers (totalCount $STUDENTS, $PAGES pages of $PAGE_SIZE)"

# The teacher sees the students of their own sections only: fewer than all, more than none. Its page range comes
# from the total it is shown, so that every measured request asks for a page that exists; both ends are checked.
TEACHER_TOKEN=$(sign_in "$TEACHER_EMAIL" "$DEMO_PASSWORD")
body=$(list_page "$TEACHER_TOKEN" 1)
TEACHER_STUDENTS=$(jq -r '.totalCount' <<<"$body")
[[ $TEACHER_STUDENTS =~ ^[0-9]+$ && $TEACHER_STUDENTS -gt 0 && $TEACHER_STUDENTS -lt $STUDENTS ]] \
    || die "$TEACHER_EMAIL: totalCount=$TEACHER_STUDENTS, expected some but not all $STUDENTS students"
TEACHER_PAGES=$(((TEACHER_STUDENTS + PAGE_SIZE - 1) / PAGE_SIZE))
check_list "$TEACHER_TOKEN" "$TEACHER_STUDENTS" "$TEACHER_PAGES" "$TEACHER_EMAIL"
log "teacher token ok; $TEACHER_EMAIL sees $TEACHER_STUDENTS students ($TEACHER_PAGES pages of $PAGE_SIZE)"

# --- 6. wrk runs ---------------------------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS_DIR/students-api-$STAMP.txt
TABLE=$RESULTS_DIR/students-api-$STAMP.md
raw_header "bench/students-api.sh $STAMP"
{
    echo "runs: ${DURATION}s each, $THREADS threads, connections ${CONNECTIONS[*]}; warm-up ${WARMUP}s; $STUDENTS students, random page 1..$PAGES, pageSize $PAGE_SIZE"
    echo "callers: administrator $ADMIN_EMAIL (every student, pages 1..$PAGES); teacher $TEACHER_EMAIL (own sections: $TEACHER_STUDENTS students, pages 1..$TEACHER_PAGES)"
} >>"$RAW"

REPORT=$BENCH_DIR/wrk-report.lua
STUDENTS_LUA=$BENCH_DIR/students.lua
HEALTH=/health/live
LIST="/api/v1/students?page=random&pageSize=$PAGE_SIZE"
TEACHER_LIST="/api/v1/students?page=random(1..$TEACHER_PAGES)&pageSize=$PAGE_SIZE"

# as_teacher COMMAND…: runs it with the teacher's token and page range for bench/students.lua (called inside the
# command substitutions and subshells below, so the administrator's stay in place for the other runs).
as_teacher() {
    export LYCEUM_TOKEN=$TEACHER_TOKEN BENCH_PAGES=$TEACHER_PAGES
    "$@"
}

wait_quiet
if [[ $WARMUP -gt 0 ]]; then
    # In subshells like the measured runs, so that `times` in run_wrk counts this wrk only.
    (run_wrk "warm-up students" 64 "$WARMUP" "$STUDENTS_LUA" /api/v1/students) >/dev/null
    (as_teacher run_wrk "warm-up students as teacher" 64 "$WARMUP" "$STUDENTS_LUA" /api/v1/students) >/dev/null
    (run_wrk "warm-up $HEALTH" 64 "$WARMUP" "$REPORT" "$HEALTH") >/dev/null
fi

declare -A RESULT
for c in "${CONNECTIONS[@]}"; do
    RESULT[health,$c]=$(run_wrk "$HEALTH" "$c" "$DURATION" "$REPORT" "$HEALTH")
done
for c in "${CONNECTIONS[@]}"; do
    RESULT[students,$c]=$(run_wrk "GET $LIST as administrator" "$c" "$DURATION" "$STUDENTS_LUA" /api/v1/students)
done
for c in "${CONNECTIONS[@]}"; do
    RESULT[teacher,$c]=$(as_teacher run_wrk "GET $TEACHER_LIST as teacher" "$c" "$DURATION" "$STUDENTS_LUA" /api/v1/students)
done

app_log_summary

# --- 7. Table ------------------------------------------------------------------------------------------------------
{
    result_tables \
        "health|\`GET $HEALTH\`|GET $HEALTH" \
        "students|\`GET $LIST\` (administrator: all $STUDENTS)|GET /api/v1/students (administrator)" \
        "teacher|\`GET $TEACHER_LIST\` (teacher: own sections, $TEACHER_STUDENTS)|GET /api/v1/students (teacher)"
    echo
    echo "Target: ≥ 5,000 requests/s at p95 ≤ 20 ms on the students list."
    for kind in students teacher; do
        for c in "${CONNECTIONS[@]}"; do
            r=${RESULT[$kind,$c]}
            verdict=$(awk -v rps="$(field "$r" rps)" -v p95="$(field "$r" p95_ms)" \
                'BEGIN { print (rps >= 5000 && p95 <= 20) ? "met" : sprintf("not met (%.0f%% of the rate; p95 %s 20 ms)", 100 * rps / 5000, p95 <= 20 ? "within" : "above") }')
            if [[ $kind == students ]]; then who=administrator; else who=teacher; fi
            echo "- $who, c$c: $verdict"
        done
    done
} >"$TABLE"

log "raw output: ${RAW#"$ROOT"/}"
log "table:      ${TABLE#"$ROOT"/}"
echo
echo "commit $COMMIT, $(nproc) cores, ${DURATION}s per run"
echo
cat "$TABLE"
