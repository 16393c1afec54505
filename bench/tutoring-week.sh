#!/usr/bin/env bash
# Benchmark: the tutoring calendar's week query (ROADMAP target: "calendar week query p95 ≤ 15 ms at 500 requests/s"),
# GET /api/v1/tutoring/sessions?from=…&to=…[&tutorId=N][&schoolId=N] on PostgreSQL, for one tutor's week and for the
# whole centre's week with 2,000 sessions in it.
#
# The bench database is the demo (one school, 3,000 students: its tutoring centre, six tutors, three months of
# sessions) plus a busy centre added by SQL on every run: BENCH_TUTORS bench tutors (staff "BT001"…, job "Tutor") with
# sessions on weekdays at 15:00–19:00 (five an afternoon: 25 a week each) in the week of today at the school and
# BENCH_WEEKS_AROUND weeks either side, capped so that the measured week holds exactly BENCH_WEEK_SESSIONS sessions
# with the demo's own (the other weeks as busy), one student each (every tenth two); past ones completed. No audit
# rows for them: the runs only read. The bench tutors' sessions are deleted and made again each run, so the week is
# always today's. Then, with the load generator bench/TutoringWeek (open loop at a fixed arrival rate: latency counted
# from when each request was due, so a server falling behind shows; and closed loop for the box's capacity):
#   tutor   one tutor's week as the administrator (tutorId taken in turn over the bench tutors: 25 sessions each)
#   own     the demo tutor's own week with their own token (no tutorId: the tutor's scope; ~10–20 sessions)
#   centre  the whole centre's week as the administrator (schoolId: BENCH_WEEK_SESSIONS sessions); the app keeps this
#           answer until the school's calendar changes, so the runs measure the kept answer, and the cost right after
#           a change is timed separately (five single requests, each after changing the school's calendar stamp)
# every request with "Accept-Encoding: br, gzip" as browsers send (answers are counted on the wire, not decompressed);
# each at BENCH_RATE requests/s (open; answers still missing 15 s after the last was due are cancelled and counted as
# unfinished) and with BENCH_WORKERS workers (closed); GET /health/live the same two ways
# and with wrk (c16, 10 s) as the machine's ceiling in the same run. Per run, the CPU of the app, PostgreSQL, the
# generator and anything else. Before the runs it checks each kind answers 200 with the expected number of sessions,
# and after them it writes EXPLAIN (ANALYZE, BUFFERS) of the week's plain queries (centre and one tutor) to the raw
# output, for the indexes.
# Figures go to docs/benchmarks.md ("Tutoring calendar").
#
# Usage: bench/tutoring-week.sh            (from anywhere; root installs/starts what is missing)
# Environment (all optional), besides those of bench/lib.sh (BENCH_DURATION=20 measured seconds per run, BENCH_REF,
# BENCH_RESET, BENCH_RESULTS, BENCH_QUIET_WAIT…):
#   BENCH_RATE=500              arrival rate of the open-loop runs (requests/s)
#   BENCH_WORKERS=16            workers of the closed-loop runs ("" skips them)
#   BENCH_RUN_WARMUP=5          seconds of the same load before each measured run
#   BENCH_KINDS="tutor own centre"  which week queries to run
#   BENCH_TUTORS=80             bench tutors; BENCH_WEEK_SESSIONS=2000 sessions in the measured week (demo's included)
#   BENCH_WEEKS_AROUND=8        as busy weeks before and after it
#   BENCH_DB=lyceum_bench_tutoring  the PostgreSQL database (its own: the script writes sessions)
#
# The app runs Release, Production, on 127.0.0.1; it is stopped on exit, also on failure; PostgreSQL is left running.
# About 5 minutes after build and seeding (~1 minute for 3,000 students), plus any wait for a quiet machine.
set -euo pipefail

BENCH_NAME=tutoring-week
export BENCH_DB=${BENCH_DB:-lyceum_bench_tutoring}
export BENCH_STUDENTS=${BENCH_STUDENTS:-3000}
export BENCH_SCHOOLS=${BENCH_SCHOOLS:-1}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=${BENCH_RATE:-500}
read -r -a WORKERS <<<"${BENCH_WORKERS-16}"
RUN_WARMUP=${BENCH_RUN_WARMUP:-5}
read -r -a KINDS <<<"${BENCH_KINDS:-tutor own centre}"
TUTORS=${BENCH_TUTORS:-80}
WEEK_SESSIONS=${BENCH_WEEK_SESSIONS:-2000}
WEEKS_AROUND=${BENCH_WEEKS_AROUND:-8}
TUTOR_EMAIL=tutor@demo.lyceum.local
[[ $PROVIDER == PostgreSql ]] || die "the calendar benchmark runs on PostgreSQL only"
((TUTORS * 25 >= WEEK_SESSIONS)) || die "BENCH_TUTORS=$TUTORS: at most 25 sessions a week each, fewer than BENCH_WEEK_SESSIONS=$WEEK_SESSIONS"

# shellcheck disable=SC2119 # no extra packages
bench_setup

# --- 5b. The load generator (its own project, not in Lyceum.slnx) -------------------------------------------------
log "building bench/TutoringWeek"
dotnet build "$BENCH_DIR/TutoringWeek" -c Release -nologo -v q >"$WORK/generator-build.log" 2>&1 \
    || { tail -40 "$WORK/generator-build.log" >&2; die "bench/TutoringWeek does not build"; }
GEN=$BENCH_DIR/TutoringWeek/bin/Release/net10.0/TutoringWeek.dll
TOKEN=$(sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")

# --- 5c. The busy centre: bench tutors and their sessions around the week of today at the school ------------------
SCHOOL=$(db_query 'SELECT "Id" FROM "Schools" ORDER BY "Id" LIMIT 1')
ZONE=$(db_query "SELECT \"TimeZone\" FROM \"Schools\" WHERE \"Id\" = $SCHOOL")
BRANCH=$(db_query "SELECT \"Id\" FROM \"Branches\" WHERE \"SchoolId\" = $SCHOOL AND \"Name\" = 'Tutoring Centre'")
[[ -n $BRANCH ]] || die "the demo school has no 'Tutoring Centre' branch: a build without the tutoring demo seeded it (BENCH_RESET=1)"
TODAY=$(TZ=$ZONE date +%F)
WEEK_FROM=$(date -d "$TODAY - $(($(date -d "$TODAY" +%u) - 1)) days" +%F)
WEEK_TO=$(date -d "$WEEK_FROM + 6 days" +%F)
log "measured week $WEEK_FROM to $WEEK_TO (today at the school, $ZONE: $TODAY); making the busy centre"
psql_admin -d "$DB_NAME" >/dev/null <<SQL
BEGIN;
DELETE FROM "TutoringSessionStudents" WHERE "SessionId" IN (SELECT s."Id" FROM "TutoringSessions" s
    JOIN "Staff" t ON t."Id" = s."TutorId" WHERE t."SchoolId" = $SCHOOL AND t."StaffNumber" LIKE 'BT%');
DELETE FROM "TutoringSessions" WHERE "TutorId" IN (SELECT "Id" FROM "Staff" WHERE "SchoolId" = $SCHOOL AND "StaffNumber" LIKE 'BT%');
INSERT INTO "Staff" ("SchoolId", "StaffNumber", "Title", "FirstName", "LastName", "Email", "JobTitle", "SearchText", "Version", "CreatedAt", "UpdatedAt")
SELECT $SCHOOL, 'BT' || lpad(g::text, 3, '0'), 'Mx', 'Bench', 'Tutor ' || g, 'bench.tutor' || g || '@bench.example', 'Tutor',
    'bench tutor ' || g, gen_random_uuid(), now(), now()
FROM generate_series(1, $TUTORS) g
WHERE NOT EXISTS (SELECT 1 FROM "Staff" s WHERE s."SchoolId" = $SCHOOL AND s."StaffNumber" = 'BT' || lpad(g::text, 3, '0'));
CREATE TEMP TABLE week AS SELECT
    (DATE '$WEEK_FROM')::timestamp AT TIME ZONE '$ZONE' AS start_utc,
    (DATE '$WEEK_FROM' + 7)::timestamp AT TIME ZONE '$ZONE' AS end_utc;
CREATE TEMP TABLE cap AS SELECT $WEEK_SESSIONS - count(*) AS n FROM "TutoringSessions" s, week
    WHERE s."SchoolId" = $SCHOOL AND s."StartUtc" >= week.start_utc AND s."StartUtc" < week.end_utc;
INSERT INTO "TutoringSessions" ("SchoolId", "Detached", "TutorId", "Subject", "BranchId", "Location", "StartUtc", "EndUtc",
    "TimeZone", "Status", "LogNote", "LoggedAt", "Version", "CreatedAt", "UpdatedAt")
SELECT $SCHOOL, false, t."Id", (ARRAY['Maths', 'English', 'Physics', 'Chemistry', 'Biology', 'French', 'Music'])[1 + t.k % 7],
    $BRANCH, 'Room ' || (1 + t.k % 20), x.start_utc, x.start_utc + interval '1 hour', '$ZONE',
    CASE WHEN x.start_utc < now() THEN 'Completed' ELSE 'Scheduled' END,
    CASE WHEN x.start_utc < now() THEN 'Covered the week''s topic.' END,
    CASE WHEN x.start_utc < now() THEN x.start_utc + interval '70 minutes' END,
    gen_random_uuid(), now(), now()
FROM (SELECT "Id", row_number() OVER (ORDER BY "Id") - 1 AS k FROM "Staff" WHERE "SchoolId" = $SCHOOL AND "StaffNumber" LIKE 'BT%') t
CROSS JOIN generate_series(-$WEEKS_AROUND, $WEEKS_AROUND) w
CROSS JOIN generate_series(0, 4) d
CROSS JOIN generate_series(0, 4) h
CROSS JOIN cap
CROSS JOIN LATERAL (SELECT ((DATE '$WEEK_FROM' + 7 * w + d)::timestamp + make_interval(hours => 15 + h)) AT TIME ZONE '$ZONE' AS start_utc) x
WHERE t.k * 25 + d * 5 + h < cap.n;
WITH roll AS (SELECT array_agg("Id" ORDER BY "Id") AS ids FROM "Students" WHERE "SchoolId" = $SCHOOL AND "ArchivedAt" IS NULL),
bench AS (SELECT s."Id", s."Status" FROM "TutoringSessions" s JOIN "Staff" t ON t."Id" = s."TutorId"
    WHERE t."SchoolId" = $SCHOOL AND t."StaffNumber" LIKE 'BT%')
INSERT INTO "TutoringSessionStudents" ("SessionId", "StudentId", "Attendance")
SELECT b."Id", roll.ids[(1 + (b."Id"::bigint * 7919 + p.n * (1 + b."Id" % 97)) % cardinality(roll.ids))::int],
    CASE WHEN b."Status" = 'Completed' THEN 'Present' ELSE 'Unmarked' END
FROM bench b CROSS JOIN roll CROSS JOIN generate_series(0, 1) p(n)
WHERE p.n = 0 OR b."Id" % 10 = 0;
-- Rows written by SQL bypass the app's save hook: change the school's calendar stamp as it would (the app keeps the
-- centre's week until the stamp changes).
INSERT INTO "TutoringCalendarStamps" ("SchoolId", "Stamp", "ChangedAt") VALUES ($SCHOOL, gen_random_uuid(), now())
    ON CONFLICT ("SchoolId") DO UPDATE SET "Stamp" = excluded."Stamp", "ChangedAt" = excluded."ChangedAt";
COMMIT;
SQL
psql_admin -d "$DB_NAME" -c 'VACUUM (ANALYZE) "Staff", "TutoringSessions", "TutoringSessionStudents"' >/dev/null
BENCH_TUTOR_IDS=$(db_query "SELECT string_agg(\"Id\"::text, ',' ORDER BY \"Id\") FROM \"Staff\" WHERE \"SchoolId\" = $SCHOOL AND \"StaffNumber\" LIKE 'BT%'")
COUNTS=$(db_query "SELECT 'sessions: ' || count(*) || ' in all, ' || count(*) FILTER (WHERE s.\"StartUtc\" >= (DATE '$WEEK_FROM')::timestamp AT TIME ZONE '$ZONE'
        AND s.\"StartUtc\" < (DATE '$WEEK_FROM' + 7)::timestamp AT TIME ZONE '$ZONE') || ' in the measured week; session students: '
        || (SELECT count(*) FROM \"TutoringSessionStudents\") || '; tutors: ' || (SELECT count(*) FROM \"Staff\" WHERE \"JobTitle\" = 'Tutor')
    FROM \"TutoringSessions\" s")
log "$COUNTS"

# --- 5d. What each kind asks for, and a check that it answers 200 with the expected sessions ----------------------
Q="/api/v1/tutoring/sessions?from=$WEEK_FROM&to=$WEEK_TO"
tr ',' '\n' <<<"$BENCH_TUTOR_IDS" | while read -r id; do echo "$Q&tutorId=$id"; done >"$WORK/paths.tutor"
echo "$Q" >"$WORK/paths.own"
echo "$Q&schoolId=$SCHOOL" >"$WORK/paths.centre"
echo "/health/live" >"$WORK/paths.health"
OWN_TOKEN=$(sign_in "$TUTOR_EMAIL" "$DEMO_PASSWORD")
token_of() { case $1 in own) printf '%s' "$OWN_TOKEN" ;; health) ;; *) printf '%s' "$TOKEN" ;; esac; }
week_count() {
    db_query "SELECT count(*) FROM \"TutoringSessions\" s WHERE s.\"StartUtc\" >= (DATE '$WEEK_FROM')::timestamp AT TIME ZONE '$ZONE'
        AND s.\"StartUtc\" < (DATE '$WEEK_FROM' + 7)::timestamp AT TIME ZONE '$ZONE' AND $1"
}
declare -A EXPECT DESCRIBE
EXPECT[tutor]=$(week_count "s.\"TutorId\" = $(cut -d, -f1 <<<"$BENCH_TUTOR_IDS")")
EXPECT[own]=$(week_count "s.\"TutorId\" = (SELECT t.\"Id\" FROM \"Staff\" t JOIN \"AspNetUsers\" u ON u.\"Id\" = t.\"UserId\" WHERE u.\"NormalizedEmail\" = upper('$TUTOR_EMAIL'))")
EXPECT[centre]=$(week_count "s.\"SchoolId\" = $SCHOOL")
DESCRIBE[tutor]="one tutor's week (administrator, tutorId over $TUTORS tutors)"
DESCRIBE[own]="the demo tutor's own week (tutor's token)"
DESCRIBE[centre]="the whole centre's week (administrator, schoolId)"
for kind in "${KINDS[@]}"; do
    [[ -n ${EXPECT[$kind]:-} ]] || die "unknown kind '$kind' in BENCH_KINDS (tutor, own, centre)"
    path=$(head -1 "$WORK/paths.$kind")
    code=$(curl -sS -o "$WORK/check.json" -w '%{http_code}' --max-time 30 -H "Authorization: Bearer $(token_of "$kind")" "$BASE$path") || code=000
    [[ $code == 200 ]] || die "GET $path ($kind) answered $code: is the sessions endpoint in this build? $(head -c 300 "$WORK/check.json" 2>/dev/null)"
    got=$(jq 'if type == "array" then length elif has("items") then (.items | length) else error("not a list") end' "$WORK/check.json") \
        || die "GET $path ($kind): the answer is not a JSON list"
    [[ $got == "${EXPECT[$kind]}" ]] || die "GET $path ($kind): $got sessions, the database has ${EXPECT[$kind]} in that week"
    log "$kind: $path answers 200 with $got sessions, $(stat -c %s "$WORK/check.json") bytes"
    DESCRIBE[$kind]="${DESCRIBE[$kind]}: $got sessions, $(stat -c %s "$WORK/check.json") bytes"
done

# The centre's week is kept by the app until the school's calendar changes: what a request costs right after a change
# (the answer read, serialised and compressed again) is timed here, five times, each after changing the stamp.
MISS_MS=""
if [[ " ${KINDS[*]} " == *" centre "* ]]; then
    for _ in 1 2 3 4 5; do
        db_query "UPDATE \"TutoringCalendarStamps\" SET \"Stamp\" = gen_random_uuid() WHERE \"SchoolId\" = $SCHOOL" >/dev/null
        MISS_MS+="$(curl -sS -o /dev/null -H 'Accept-Encoding: br, gzip' -H "Authorization: Bearer $TOKEN" -w '%{time_total}' "$BASE$(head -1 "$WORK/paths.centre")" \
            | awk '{ printf "%.0f", $1 * 1000 }') "
    done
    log "centre week right after a change (read again), ms: $MISS_MS"
fi

# --- 6. Runs -------------------------------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS_DIR/tutoring-week-$STAMP.txt
TABLE=$RESULTS_DIR/tutoring-week-$STAMP.md
raw_header "bench/tutoring-week.sh $STAMP"
{
    echo "database $DB_NAME: $STUDENTS students in $SCHOOLS school(s); the demo's tutoring centre plus $TUTORS bench tutors; measured week $WEEK_FROM to $WEEK_TO (today at the school, $ZONE: $TODAY)"
    echo "$COUNTS"
    for kind in "${KINDS[@]}"; do echo "$kind: ${DESCRIBE[$kind]}; GET $(head -1 "$WORK/paths.$kind")"; done
    echo "runs: open loop at $RATE requests/s and closed loop with ${WORKERS[*]:-no} workers, ${RUN_WARMUP}s warm-up + ${DURATION}s measured each"
    echo "connection string options added by BENCH_PG_OPTIONS: ${BENCH_PG_OPTIONS:-none, the app defaults}"
    [[ -z $MISS_MS ]] || echo "centre week right after a change (the app reads, serialises and compresses it again), ms, five times: $MISS_MS"
} >>"$RAW"

# run_gen LABEL KIND ARG…: one generator run on KIND's paths (after the previous one drained), appended to RAW; echoes
# its WEEK_RESULT line and the CPU each party used in cores (between snapshots around the generator, warm-up included).
run_gen() {
    local label=$1 kind=$2 out line cpu
    shift 2
    settle
    log "$label: TutoringWeek $*"
    cpu_snapshot "$WORK/cpu.before"
    out=$(timeout 600 dotnet "$GEN" --base "$BASE" --paths "$WORK/paths.$kind" --token "$(token_of "$kind")" --label "$label" \
        --seconds "$DURATION" --warmup "$RUN_WARMUP" "$@" 2>"$WORK/gen.err") \
        || { cat "$WORK/gen.err" >&2; printf '%s\n' "$out" >&2; die "TutoringWeek $label failed"; }
    cpu_snapshot "$WORK/cpu.after"
    line=$(grep '^WEEK_RESULT ' <<<"$out") || die "TutoringWeek $label printed no result line"
    cpu=$(awk -v hz="$HZ" -v own="$(field " $line" process_cpu_s)" 'FNR == NR { b[$1] = $2; next } { a[$1] = $2 } END {
        wall = a["time"] - b["time"]
        app = a["app"] - b["app"]; pg = 0
        for (k in a) if (k ~ /^pg:/) pg += a[k] - (k in b ? b[k] : 0)
        other = a["busy"] - b["busy"] - app - pg - own * hz
        printf "cpu_app=%.2f cpu_pg=%.2f cpu_gen=%.2f cpu_other=%.2f", app / hz / wall, pg / hz / wall, own / wall, (other < 0 ? 0 : other) / hz / wall }' \
        "$WORK/cpu.before" "$WORK/cpu.after")
    printf '\n## %s\n$ dotnet bench/TutoringWeek/bin/Release/net10.0/TutoringWeek.dll --paths %s --seconds %s --warmup %s %s\n%s\n' \
        "$label" "paths.$kind ($(wc -l <"$WORK/paths.$kind") paths, first: $(head -1 "$WORK/paths.$kind"))" "$DURATION" "$RUN_WARMUP" "$*" "$out" >>"$RAW"
    sed 's/^/  (stderr) /' "$WORK/gen.err" | grep -v 'warm-up\|measuring' >>"$RAW" || true
    printf 'CPU (cores busy, warm-up included): %s\n' "$cpu" >>"$RAW"
    echo "$line $cpu"
}

wait_quiet
declare -A RESULT
RESULT[wrk]=$(run_wrk "/health/live" 16 10 "$BENCH_DIR/wrk-report.lua" /health/live)
RUNS=(health "${KINDS[@]}")
for kind in "${RUNS[@]}"; do
    RESULT[$kind,open]=$(run_gen "$kind: open loop at $RATE/s" "$kind" --rate "$RATE")
    for w in "${WORKERS[@]}"; do
        RESULT[$kind,c$w]=$(run_gen "$kind: $w workers, closed loop" "$kind" --workers "$w")
    done
done

# The plain queries behind a week, as the database runs them (the endpoint's own SQL may differ: see the app).
{
    echo
    echo "## EXPLAIN (ANALYZE, BUFFERS): the centre's week"
    psql_admin -d "$DB_NAME" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT s.*, p.* FROM \"TutoringSessions\" s
        LEFT JOIN \"TutoringSessionStudents\" p ON p.\"SessionId\" = s.\"Id\"
        WHERE s.\"SchoolId\" = $SCHOOL AND s.\"StartUtc\" < (DATE '$WEEK_FROM' + 7)::timestamp AT TIME ZONE '$ZONE'
          AND s.\"EndUtc\" > (DATE '$WEEK_FROM')::timestamp AT TIME ZONE '$ZONE' ORDER BY s.\"StartUtc\", s.\"Id\""
    echo "## EXPLAIN (ANALYZE, BUFFERS): one tutor's week"
    psql_admin -d "$DB_NAME" -c "EXPLAIN (ANALYZE, BUFFERS) SELECT s.*, p.* FROM \"TutoringSessions\" s
        LEFT JOIN \"TutoringSessionStudents\" p ON p.\"SessionId\" = s.\"Id\"
        WHERE s.\"TutorId\" = $(cut -d, -f1 <<<"$BENCH_TUTOR_IDS") AND s.\"StartUtc\" < (DATE '$WEEK_FROM' + 7)::timestamp AT TIME ZONE '$ZONE'
          AND s.\"EndUtc\" > (DATE '$WEEK_FROM')::timestamp AT TIME ZONE '$ZONE' ORDER BY s.\"StartUtc\", s.\"Id\""
} >>"$RAW" 2>&1
app_log_summary

# --- 7. Tables -------------------------------------------------------------------------------------------------------
{
    echo "| query | load | requests | answered (200) per s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | service p95 (ms) | errors (unfinished) | bytes/answer | app | PostgreSQL | generator | other |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for kind in "${RUNS[@]}"; do
        for load in open "${WORKERS[@]/#/c}"; do
            r=${RESULT[$kind,$load]}
            if [[ $load == open ]]; then what="open loop, $RATE/s due"; else what="closed loop, ${load#c} workers"; fi
            printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$kind" "$what" \
                "$(field " $r" requests)" "$(field " $r" rps)" "$(field " $r" p50_ms)" "$(field " $r" p95_ms)" "$(field " $r" p99_ms)" \
                "$(field " $r" max_ms)" "$(field " $r" service_p95_ms)" "$(field " $r" errors) ($(field " $r" unfinished))" "$(field " $r" bytes_per_request)" \
                "$(field " $r" cpu_app)" "$(field " $r" cpu_pg)" "$(field " $r" cpu_gen)" "$(field " $r" cpu_other)"
        done
    done
    r=${RESULT[wrk]}
    echo
    echo "Ceiling in the same run: \`GET /health/live\` with wrk c16: $(field "$r" rps) requests/s, p95 $(field "$r" p95_ms) ms (app $(field "$r" cpu_app), wrk $(field "$r" cpu_wrk) cores)."
    disturbed=$(for r in "${RESULT[@]}"; do field " $r" cpu_other; done | sort -g | tail -1)
    if awk -v o="$disturbed" 'BEGIN { exit !(o > 0.15) }'; then
        echo
        echo "**Disturbed:** other processes used up to $disturbed cores during a run; re-run on a quiet machine."
    fi
} >"$TABLE"
cat "$TABLE"
log "raw output: $RAW; table: $TABLE"
