#!/usr/bin/env bash
# Benchmark: grade entry (issue 7), a teacher's save of a whole column of the grade grid — one assessment, every
# student of the class (up to 30 cells) — through PUT /api/v1/sections/{id}/marks, on PostgreSQL. The load generator
# bench/GradeEntry picks up the classes the script chose (sections with at least 25 active students), adds a category
# and assessments to each through the API, and then, with W concurrent clients each on classes of its own (so no two
# clients touch one cell, and no save is refused for a conflict):
#   update  saves its columns again and again, closed loop, every cell a new value with the version from the
#           previous answer (the grid's autosave after a teacher retyped the column): D measured seconds per W after
#           a few seconds of warm-up;
#   insert  the first save of fresh columns (no mark yet: 30 inserts instead of 30 updates), a fixed number per W;
#   resend  the same columns with the values they hold (a retried save: validated and compared, nothing written).
# After each run the database is compared with what the clients were last answered: every cell of every column the
# run touched holds the last value sent, once, with no mark beyond them, and the audit trail grew by exactly one row
# per changed cell (marks are audited in the save's transaction). Per run, the CPU of the app, PostgreSQL, the
# generator and anything else, and the audit trail's growth per changed cell; and GET /health/live with wrk (c16,
# 10 s) as the machine's ceiling in the same run.
# Figures go to docs/benchmarks.md ("Grade entry").
#
# Usage: bench/grade-entry.sh            (from anywhere; root installs/starts what is missing)
# Environment (all optional), besides those of bench/lib.sh (BENCH_DURATION=20 measured seconds per update and resend
# run, BENCH_WARMUP=15 seconds of warm-up before the first run, BENCH_REF, BENCH_RESET, BENCH_RESULTS,
# BENCH_QUIET_WAIT…):
#   BENCH_WORKERS="1 4 16"      concurrent clients of the update and insert runs
#   BENCH_RESEND_WORKERS="1 16" concurrent clients of the resend runs ("" skips them)
#   BENCH_RUN_WARMUP=5          seconds of each update and resend run before measuring (same clients, same columns)
#   BENCH_INSERTS=320           first saves per insert run (0 skips them)
#   BENCH_SECTIONS=64           classes used (at least the largest worker count)
#   BENCH_MIN_STUDENTS=25       a class needs that many active students; BENCH_MAX_STUDENTS=30 cells per column at most
#   BENCH_EF_LOG=1              diagnosis instead of figures: the app logs every EF Core command with its time
#                               (and ASP.NET Core each request's), 1 client only, and the raw output ends with where
#                               a save's time goes, statement by statement
#   BENCH_DB=lyceum_bench_grades  the PostgreSQL database (its own: the runs write marks and audit rows)
#   BENCH_AUDITED=0             for an experiment's build (BENCH_REF) whose marks are not audited: the check then
#                               does not ask for one audit row per changed cell
#
# The class size is what a save costs, not the school's size: the default database is small (3,000 students, one
# school; about 2 minutes to seed) and is reused while it holds them with this build's migrations. The app runs
# Release, Production, on 127.0.0.1; it is stopped on exit, also on failure; PostgreSQL is left running. About 5
# minutes after build and seeding, plus any wait for a quiet machine.
set -euo pipefail

BENCH_NAME=grade-entry
EF_LOG=${BENCH_EF_LOG:-0}
if [[ $EF_LOG == 1 && -z ${GRADE_ENTRY_EF_LOG_SET:-} ]]; then
    # Names with dots are no shell variables: pass them to the app through env (bash hands them on to its children).
    exec env GRADE_ENTRY_EF_LOG_SET=1 \
        'Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information' \
        'Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information' \
        bash "$0" "$@"
fi
export BENCH_DB=${BENCH_DB:-lyceum_bench_grades}
export BENCH_STUDENTS=${BENCH_STUDENTS:-3000}
export BENCH_SCHOOLS=${BENCH_SCHOOLS:-1}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r -a WORKERS <<<"${BENCH_WORKERS:-1 4 16}"
read -r -a RESEND_WORKERS <<<"${BENCH_RESEND_WORKERS-1 16}"
RUN_WARMUP=${BENCH_RUN_WARMUP:-5}
INSERTS=${BENCH_INSERTS:-320}
SECTIONS=${BENCH_SECTIONS:-64}
MIN_STUDENTS=${BENCH_MIN_STUDENTS:-25}
MAX_STUDENTS=${BENCH_MAX_STUDENTS:-30}
AUDITED=${BENCH_AUDITED:-1}
if [[ $EF_LOG == 1 ]]; then
    WORKERS=(1) RESEND_WORKERS=(1)
fi
[[ $PROVIDER == PostgreSql ]] || die "grade entry runs on PostgreSQL only"
MAX_WORKERS=$(printf '%s\n' "${WORKERS[@]}" "${RESEND_WORKERS[@]}" | sort -n | tail -1)
((SECTIONS >= MAX_WORKERS)) || die "BENCH_SECTIONS=$SECTIONS: at least one class per worker ($MAX_WORKERS) is needed"

# shellcheck disable=SC2119 # no extra packages
bench_setup

# --- 5b. The load generator (its own project, not in Lyceum.slnx) -------------------------------------------------
log "building bench/GradeEntry"
dotnet build "$BENCH_DIR/GradeEntry" -c Release -nologo -v q >"$WORK/generator-build.log" 2>&1 \
    || { tail -40 "$WORK/generator-build.log" >&2; die "bench/GradeEntry does not build"; }
GEN=$BENCH_DIR/GradeEntry/bin/Release/net10.0/GradeEntry.dll
TOKEN=$(sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")

# --- 5c. The classes: sections of the term running today (else the latest) with at least MIN_STUDENTS active
# students, in a fixed pseudo-random order (not by id, which follows courses and year groups).
ZONE=$(db_query 'SELECT "TimeZone" FROM "Schools" ORDER BY "Id" LIMIT 1')
TODAY=$(TZ=$ZONE date +%F)
SIZES_SQL="SELECT s.\"Id\", (SELECT count(*) FROM \"Enrollments\" e WHERE e.\"SectionId\" = s.\"Id\" AND e.\"WithdrawnOn\" IS NULL) AS n,
    (t.\"StartDate\" <= DATE '$TODAY' AND t.\"EndDate\" >= DATE '$TODAY') AS now, t.\"StartDate\" AS start
    FROM \"Sections\" s JOIN \"Terms\" t ON t.\"Id\" = s.\"TermId\" WHERE s.\"ArchivedAt\" IS NULL"
SECTION_IDS=$(db_query "SELECT string_agg(x.\"Id\"::text, ',') FROM (SELECT * FROM ($SIZES_SQL) q WHERE n >= $MIN_STUDENTS
    ORDER BY now DESC, start DESC, md5(q.\"Id\"::text) LIMIT $SECTIONS) x")
GOT=$(awk -F, '{ print NF }' <<<"$SECTION_IDS")
((GOT == SECTIONS)) || die "only $GOT sections with at least $MIN_STUDENTS active students (BENCH_SECTIONS=$SECTIONS)"
# How big the classes are: all live sections of that term, and those with at least MIN_STUDENTS.
CLASS_SIZES=$(db_query "WITH q AS ($SIZES_SQL), term AS (SELECT * FROM q WHERE (now, start) = (SELECT now, start FROM q ORDER BY now DESC, start DESC LIMIT 1))
    SELECT 'term sections: ' || count(*) || ', active students per section min ' || min(n) || ' mean ' || round(avg(n), 1) || ' max ' || max(n)
        || '; with at least $MIN_STUDENTS: ' || count(*) FILTER (WHERE n >= $MIN_STUDENTS) FROM term")
log "$CLASS_SIZES"

# Insert runs take their first-save columns in turn across the classes: enough per class for the warm-up's and every
# run's (none is saved twice).
INSERT_RUNS=$((INSERTS > 0 ? ${#WORKERS[@]} + 1 : 0))
FRESH=$(((INSERTS * INSERT_RUNS + SECTIONS - 1) / SECTIONS))

# pg_ended: "pgended TICKS", the CPU of every PostgreSQL backend that has ended (of any database: the postmaster's
# children's time). cpu_snapshot sees the backends alive at each end of a run; one that starts and ends within it
# would otherwise show as "other processes".
pg_ended() {
    local pid
    pid=$(head -1 "/var/run/postgresql/$PGV-main.pid" 2>/dev/null) || { echo "pgended 0"; return; }
    awk '{ sub(/^.*\) /, ""); print "pgended", $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo "pgended 0"
}

# audit_mark: the audit trail's last id now, and its size and the Marks table's in bytes (key=value).
audit_mark() {
    db_query "SELECT 'audit_id=' || coalesce(max(\"Id\"), 0) || ' audit_bytes=' || pg_total_relation_size('\"AuditEntries\"')
        || ' marks_bytes=' || pg_total_relation_size('\"Marks\"') FROM \"AuditEntries\""
}

# run_gen LABEL ARG…: one generator run (after the previous one drained), its output appended to RAW; echoes its
# GRADE_RESULT line, the CPU each party used in cores (between snapshots taken around the generator, warm-up
# included: the same load), and the audit trail's mark before the run.
run_gen() {
    local label=$1 out line cpu before
    shift
    settle
    before=$(audit_mark)
    log "$label: GradeEntry run $*"
    cpu_snapshot "$WORK/cpu.before"
    pg_ended >>"$WORK/cpu.before"
    out=$(timeout 900 dotnet "$GEN" run --plan "$PLAN" "$@" --base "$BASE" --token "$TOKEN" 2>"$WORK/gen.err") \
        || { cat "$WORK/gen.err" >&2; printf '%s\n' "$out" >&2; die "GradeEntry $label failed"; }
    cpu_snapshot "$WORK/cpu.after"
    pg_ended >>"$WORK/cpu.after"
    line=$(grep '^GRADE_RESULT ' <<<"$out") || die "GradeEntry $label printed no result line"
    # The generator's CPU: its whole process (start-up, reading the columns before the clock), all within the snapshots.
    cpu=$(awk -v hz="$HZ" -v own="$(field " $line" process_cpu_s)" 'FNR == NR { b[$1] = $2; next } { a[$1] = $2 } END {
        wall = a["time"] - b["time"]
        app = a["app"] - b["app"]; pg = 0
        for (k in a) if (k ~ /^pg:/) pg += a[k] - (k in b ? b[k] : 0)
        ended = a["pgended"] - b["pgended"]
        gen = own * hz
        other = a["busy"] - b["busy"] - app - pg - ended - gen
        printf "cpu_app=%.2f cpu_pg=%.2f cpu_pg_ended=%.2f cpu_gen=%.2f cpu_other=%.2f cpu_wall_s=%.1f", app / hz / wall, pg / hz / wall, ended / hz / wall,
            own / wall, (other < 0 ? 0 : other) / hz / wall, wall }' \
        "$WORK/cpu.before" "$WORK/cpu.after")
    printf '\n## %s\n$ dotnet bench/GradeEntry/bin/Release/net10.0/GradeEntry.dll run %s --base %s --token …\n%s\n' \
        "$label" "${*//$WORK\//}" "$BASE" "$out" >>"$RAW"
    # The first failures in full (the generator prints up to five).
    sed 's/^/  (stderr) /' "$WORK/gen.err" >>"$RAW" || true
    printf 'CPU (cores busy between snapshots around the generator, %s s, warm-up included): %s\n' "$(field " $cpu" cpu_wall_s)" "$cpu" >>"$RAW"
    echo "$line $cpu $before"
}

# check_db LABEL RESULT LAST: the database against what the clients were last answered (LAST: assessment, student,
# points per cell of every column the run touched), and the audit trail since the run began against the cells the
# answers said changed. Appends the counts and the verdict to RAW; echoes "verdict|key=value…".
check_db() {
    local result=$2 verdict=ok counts k audit_id
    audit_id=$(field " $result" audit_id)
    counts=$({
        echo 'CREATE TEMP TABLE expected (a int, s int, p numeric, PRIMARY KEY (a, s));'
        echo 'COPY expected FROM STDIN;'
        cat "$3"
        echo '\.'
        echo "SELECT
        'columns=' || (SELECT count(DISTINCT a) FROM expected) ||
        ' cells=' || (SELECT count(*) FROM expected) ||
        ' marks=' || (SELECT count(*) FROM \"Marks\" m WHERE m.\"AssessmentId\" IN (SELECT a FROM expected)) ||
        ' missing=' || (SELECT count(*) FROM expected e WHERE e.p IS NOT NULL AND NOT EXISTS
            (SELECT 1 FROM \"Marks\" m WHERE m.\"AssessmentId\" = e.a AND m.\"StudentId\" = e.s)) ||
        ' extra=' || (SELECT count(*) FROM \"Marks\" m WHERE m.\"AssessmentId\" IN (SELECT a FROM expected) AND NOT EXISTS
            (SELECT 1 FROM expected e WHERE e.a = m.\"AssessmentId\" AND e.s = m.\"StudentId\" AND e.p IS NOT NULL)) ||
        ' wrong_points=' || (SELECT count(*) FROM expected e JOIN \"Marks\" m ON m.\"AssessmentId\" = e.a AND m.\"StudentId\" = e.s
            WHERE m.\"Points\" IS DISTINCT FROM e.p OR m.\"Status\" <> 'Scored') ||
        ' duplicates=' || (SELECT count(*) FROM (SELECT 1 FROM \"Marks\" m WHERE m.\"AssessmentId\" IN (SELECT a FROM expected)
            GROUP BY m.\"AssessmentId\", m.\"StudentId\" HAVING count(*) > 1) d) ||
        ' audit_marks=' || (SELECT count(*) FROM \"AuditEntries\" WHERE \"Id\" > $audit_id AND \"Entity\" = 'Mark') ||
        ' audit_other=' || (SELECT count(*) FROM \"AuditEntries\" WHERE \"Id\" > $audit_id AND \"Entity\" <> 'Mark') ||
        ' audit_changes_bytes=' || (SELECT coalesce(round(avg(octet_length(\"Changes\"))), 0) FROM \"AuditEntries\" WHERE \"Id\" > $audit_id AND \"Entity\" = 'Mark') ||
        ' audit_row_bytes=' || (SELECT coalesce(round(avg(pg_column_size(a.*))), 0) FROM \"AuditEntries\" a WHERE \"Id\" > $audit_id AND \"Entity\" = 'Mark');"
    } | psql_admin -d "$DB_NAME" -tA | grep '^columns=')
    for k in missing extra wrong_points duplicates; do
        [[ $(field " $counts" "$k") == 0 ]] || verdict="WRONG ($k=$(field " $counts" "$k"))"
    done
    if [[ $verdict == ok ]]; then
        if [[ $(field " $counts" marks) != "$(field " $counts" cells)" ]]; then
            verdict="WRONG (marks: $(field " $counts" marks), cells: $(field " $counts" cells))"
        elif [[ $(field " $counts" audit_marks) != "$(field " $result" changed)" && $AUDITED == 1 ]]; then
            verdict="WRONG (audit rows for marks: $(field " $counts" audit_marks), cells changed: $(field " $result" changed))"
        elif [[ $(field " $result" unexpected_all) != 0 ]]; then
            verdict="database ok, but $(field " $result" unexpected_all) answers were not as expected"
        fi
    fi
    printf 'database after %s: %s\n  expected: every cell of the touched columns holds the last value answered, once, no other mark in them, one audit row per changed cell (%s): %s\n' \
        "$1" "$counts" "$(field " $result" changed)" "$verdict" >>"$RAW"
    echo "$verdict|$counts"
}

# --- 6. Runs -------------------------------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
SUFFIX=
[[ $EF_LOG == 1 ]] && SUFFIX=-eflog
RAW=$RESULTS_DIR/grade-entry$SUFFIX-$STAMP.txt
TABLE=$RESULTS_DIR/grade-entry$SUFFIX-$STAMP.md
raw_header "bench/grade-entry.sh $STAMP"
{
    echo "database $DB_NAME: $STUDENTS students in $SCHOOLS school(s); today at the school ($ZONE) $TODAY"
    echo "$CLASS_SIZES"
    echo "classes used: $SECTIONS sections with at least $MIN_STUDENTS active students (ids $SECTION_IDS); up to $MAX_STUDENTS cells per column"
    echo "caller: administrator $ADMIN_EMAIL (grades.edit everywhere) for every client"
    echo "runs: update ${WORKERS[*]} workers, ${RUN_WARMUP}s warm-up + ${DURATION}s measured each; insert $INSERTS first saves per worker count; resend ${RESEND_WORKERS[*]:-none} workers"
    echo "connection string options added by BENCH_PG_OPTIONS: ${BENCH_PG_OPTIONS:-none, the app defaults}"
    [[ $AUDITED == 1 ]] || echo "BENCH_AUDITED=0: this build is not expected to audit marks (an experiment)"
    [[ $EF_LOG == 1 ]] && echo "BENCH_EF_LOG=1: the app logs every EF Core command and every request (Information): figures are for diagnosis, not comparable"
} >>"$RAW"

# Earlier runs' columns are deleted first (their marks, assessments and categories, all named "Bench …"; the audit
# trail is append-only and keeps its rows), so that every run's classes hold only this run's assessments.
# shellcheck disable=SC2016 # $$ quotes SQL text
psql_admin -d "$DB_NAME" -c 'BEGIN;
    DELETE FROM "Marks" WHERE "AssessmentId" IN (SELECT "Id" FROM "Assessments" WHERE "Title" LIKE $$Bench %$$);
    DELETE FROM "Assessments" WHERE "Title" LIKE $$Bench %$$;
    DELETE FROM "AssessmentCategories" WHERE "Name" LIKE $$Bench %$$;
    COMMIT;' >/dev/null
PLAN=$WORK/plan.json
out=$(dotnet "$GEN" prepare --base "$BASE" --token "$TOKEN" --sections "$SECTION_IDS" --plan "$PLAN" --date "$TODAY" --fresh "$FRESH" \
    --max-students "$MAX_STUDENTS" --label "$STAMP" 2>"$WORK/gen.err") || { cat "$WORK/gen.err" >&2; die "prepare failed"; }
printf '\n## plan: categories and assessments added through the API\n%s\n' "$out" >>"$RAW"
PREP=$(grep '^GRADE_PREPARE ' <<<"$out")
log "$(grep '^students per column' <<<"$out")"
psql_admin -d "$DB_NAME" -c 'VACUUM (ANALYZE) "Marks", "Assessments", "AssessmentCategories", "AuditEntries"' >/dev/null

declare -A RESULT CHECK AFTER EFLOG
RUNS=()
# measure KEY LABEL ARG…: a generator run, the database's check, the audit trail's size after it; with BENCH_EF_LOG=1
# the app's log lines of the run are kept for the summary.
measure() {
    local key=$1 label=$2 mark
    shift 2
    mark=$(wc -l <"$APP_LOG")
    RESULT[$key]=$(run_gen "$label" "$@" --label "$key" --last "$WORK/last")
    CHECK[$key]=$(check_db "$label" "${RESULT[$key]}" "$WORK/last")
    AFTER[$key]=$(audit_mark)
    if [[ $EF_LOG == 1 ]]; then
        sed -n "$((mark + 1)),\$p" "$APP_LOG" >"$WORK/eflog-$key.log"
        EFLOG[$key]=$WORK/eflog-$key.log
    fi
}

# Warm-up (JIT tiers, EF Core's query cache, the connection pool, PostgreSQL's caches): updates at the largest worker
# count, and first saves, both checked like the measured runs.
wait_quiet
measure warm-up "warm-up: updates, $MAX_WORKERS workers" --mode update --workers "$MAX_WORKERS" --warmup 0 --seconds "$WARMUP"
insert_from=0
if ((INSERTS > 0)); then
    measure warm-up-insert "warm-up: first saves, $MAX_WORKERS workers" --mode insert --workers "$MAX_WORKERS" --from 0 --count "$INSERTS"
    insert_from=$INSERTS
fi

# The machine's ceiling in the same run (ROADMAP: every figure beside it): the app's cheapest answer, with wrk.
RESULT[health]=$(run_wrk "/health/live" 16 10 "$BENCH_DIR/wrk-report.lua" /health/live)

for w in "${WORKERS[@]}"; do
    wait_quiet
    measure "update-c$w" "update: $w worker(s), every cell a new value" --mode update --workers "$w" --warmup "$RUN_WARMUP" --seconds "$DURATION" \
        --csv "${RAW%.txt}.update-c$w.csv"
    RUNS+=("update-c$w|update (every cell a new value), $w worker(s)")
    if ((INSERTS > 0)); then
        measure "insert-c$w" "insert: $w worker(s), first save of $INSERTS columns" --mode insert --workers "$w" --from "$insert_from" --count "$INSERTS" \
            --csv "${RAW%.txt}.insert-c$w.csv"
        insert_from=$((insert_from + INSERTS))
        RUNS+=("insert-c$w|first save (insert), $w worker(s)")
    fi
done
for w in "${RESEND_WORKERS[@]}"; do
    wait_quiet
    measure "resend-c$w" "resend: $w worker(s), the values the cells hold" --mode resend --workers "$w" --warmup "$RUN_WARMUP" --seconds "$DURATION" \
        --csv "${RAW%.txt}.resend-c$w.csv"
    RUNS+=("resend-c$w|resend (nothing changes), $w worker(s)")
done

# ef_summary FILE LABEL: the EF Core commands the app logged inside the run's PUTs of marks (by the request's scope),
# per save: each kind (verb and first table) with how many per save and their mean time in ms as EF Core logs it
# (whole milliseconds, so only means over many are worth reading), then the requests' own time as ASP.NET Core logs
# it; what the commands do not explain is the app's own work, BEGIN and COMMIT (not logged) and waiting for a core.
ef_summary() {
    local saves filter='any(.Scopes[]?; (.RequestPath // "") | test("^/api/v1/sections/[0-9]+/marks$"))'
    saves=$(jq -R -r "fromjson? | select(.Category == \"Microsoft.AspNetCore.Hosting.Diagnostics\" and .EventId == 2 and $filter) | 1" "$1" | wc -l)
    echo
    echo "## where a save's time goes: $2 ($saves PUT of marks logged)"
    printf '%-32s %9s %9s %9s %12s %s\n' "command (verb, first table)" commands "per save" "mean ms" "ms per save" "statements per command"
    jq -R -r "fromjson? | select(.Category == \"Microsoft.EntityFrameworkCore.Database.Command\" and .EventId == 20101 and $filter)"'
        | [(.State.elapsed | tostring | gsub(","; "")), (.State.commandText | gsub("\\s+"; " ")
            | if test("^SELECT") then "SELECT " + ((capture("FROM (?<t>\"[A-Za-z]+\")") // {t: "?"}).t)
              elif test("^INSERT INTO") then "INSERT " + (capture("^INSERT INTO (?<t>\"[A-Za-z]+\")").t)
              elif test("^UPDATE") then "UPDATE " + (capture("^UPDATE (?<t>\"[A-Za-z]+\")").t)
              elif test("^DELETE") then "DELETE " + (capture("^DELETE FROM (?<t>\"[A-Za-z]+\")").t)
              else .[0:40] end), ([.State.commandText | scan(";")] | length | tostring)] | @tsv' "$1" \
        | awk -F'\t' -v n="$saves" '{ c[$2]++; t[$2] += $1; s[$2] += ($3 > 0 ? $3 : 1); all += $1 }
            END { for (k in c) printf "%-32s %9d %9.2f %9.2f %12.2f %.1f\n", k, c[k], c[k] / n, t[k] / c[k], t[k] / n, s[k] / c[k]
                  printf "%-32s %9s %9s %9s %12.2f\n", "all commands", "", "", "", all / n }' \
        | LC_ALL=C sort -s -k1,1
    jq -R -r "fromjson? | select(.Category == \"Microsoft.AspNetCore.Hosting.Diagnostics\" and .EventId == 2 and $filter) | .State.ElapsedMilliseconds" "$1" | sort -g \
        | awk '{ v[NR] = $1; t += $1 } END { if (NR) printf "PUT of marks, request time as ASP.NET Core logs it: mean %.2f ms, p50 %.2f, p95 %.2f, max %.2f (n=%d)\n", t / NR, v[int(NR * 0.5 + 0.5)], v[int(NR * 0.95 + 0.5)], v[NR], NR }'
}

for spec in "${RUNS[@]}"; do
    IFS='|' read -r key name <<<"$spec"
    [[ -n ${EFLOG[$key]:-} ]] && ef_summary "${EFLOG[$key]}" "$name" >>"$RAW"
done
app_log_summary

# --- 7. Tables -----------------------------------------------------------------------------------------------------
row() { # KEY NAME
    local r=${RESULT[$1]} c=${CHECK[$1]}
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(field " $r" saves)" "$(field " $r" cells_mean)" \
        "$(field " $r" seconds)" "$(field " $r" rps)" "$(field " $r" p50_ms)" "$(field " $r" p95_ms)" "$(field " $r" p99_ms)" "$(field " $r" max_ms)" \
        "$(field " $r" status)" "$(field " $r" unexpected)" "${c%%|*}"
}
{
    [[ -n ${BENCH_PG_OPTIONS:-} ]] && echo "Connection string options added: \`$BENCH_PG_OPTIONS\`." && echo
    [[ $EF_LOG == 1 ]] && echo "**BENCH_EF_LOG=1: every EF Core command and request logged; for diagnosis, not comparable.**" && echo
    echo "$(field " $PREP" sections) classes, cells per column $(field " $PREP" students_min)–$(field " $PREP" students_max) (mean $(field " $PREP" students_mean)); $CLASS_SIZES; caller: the administrator"
    echo
    echo "| run | saves | cells per save | wall (s) | saves/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | status | not as expected | database after |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|"
    for spec in "${RUNS[@]}"; do
        IFS='|' read -r key name <<<"$spec"
        row "$key" "$name"
    done
    echo
    h=${RESULT[health]}
    echo "Ceiling in the same run: \`GET /health/live\` $(awk -v v="$(field "$h" rps)" 'BEGIN { printf "%.0f", v }') requests/s with wrk c16 (p95 $(field "$h" p95_ms) ms; CPU: $(field "$h" cpu_app) cores app, $(field "$h" cpu_wrk) wrk, $(field "$h" cpu_other) other)."
    echo
    echo "CPU during each run, in cores busy (of $(nproc)), warm-up included:"
    echo
    echo "| run | app | PostgreSQL | PostgreSQL backends ended during the run (any database) | generator | other processes |"
    echo "|---|---:|---:|---:|---:|---:|"
    for spec in "${RUNS[@]}"; do
        IFS='|' read -r key _ <<<"$spec"
        r=${RESULT[$key]}
        printf '| %s | %s | %s | %s | %s | %s |\n' "$key" "$(field " $r" cpu_app)" "$(field " $r" cpu_pg)" "$(field " $r" cpu_pg_ended)" \
            "$(field " $r" cpu_gen)" "$(field " $r" cpu_other)"
    done
    echo
    echo "Audit trail per changed cell (one row each, written in the save's transaction):"
    echo
    echo "| run | cells changed | audit rows (marks) | other audit rows | bytes of Changes JSON per row | row size (bytes) | AuditEntries grew, bytes per row | Marks grew (bytes) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for spec in "${RUNS[@]}"; do
        IFS='|' read -r key _ <<<"$spec"
        r=${RESULT[$key]} c=${CHECK[$key]#*|}
        printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$key" "$(field " $r" changed)" "$(field " $c" audit_marks)" "$(field " $c" audit_other)" \
            "$(field " $c" audit_changes_bytes)" "$(field " $c" audit_row_bytes)" \
            "$(awk -v a="$(field " ${AFTER[$key]}" audit_bytes)" -v b="$(field " $r" audit_bytes)" -v n="$(field " $c" audit_marks)" 'BEGIN { printf (n > 0 ? "%.0f" : "-"), (a - b) / (n > 0 ? n : 1) }')" \
            "$(awk -v a="$(field " ${AFTER[$key]}" marks_bytes)" -v b="$(field " $r" marks_bytes)" 'BEGIN { printf "%.0f", a - b }')"
    done
    verdicts=$(for spec in "${RUNS[@]}" warm-up warm-up-insert; do IFS='|' read -r key _ <<<"$spec"; [[ -n ${CHECK[$key]:-} ]] && echo "${CHECK[$key]%%|*}"; done | sort | uniq -c)
    echo
    echo "Database checks (runs, warm-ups included): $(paste -sd';' <<<"$verdicts" | sed 's/  */ /g')"
    disturbed=$(for spec in "${RUNS[@]}"; do IFS='|' read -r key _ <<<"$spec"; field " ${RESULT[$key]}" cpu_other; done | sort -g | tail -1)
    if awk -v o="$disturbed" 'BEGIN { exit !(o > 0.15) }'; then
        echo
        echo "**Disturbed:** other processes used up to $disturbed cores during a run; the figures understate the app. Re-run on a quiet machine."
    fi
} >"$TABLE"

log "raw output: ${RAW#"$ROOT"/}"
log "table:      ${TABLE#"$ROOT"/}"
echo
echo "commit $COMMIT, $(nproc) cores"
echo
cat "$TABLE"
