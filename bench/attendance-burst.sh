#!/usr/bin/env bash
# Benchmark: the attendance burst (ROADMAP "Targets": 3,000 registers × 30 students within 10 s at p95 ≤ 100 ms, no
# lost or duplicated mark, also when every client retries). On PostgreSQL with 22,500 students (5 demo schools), every
# lesson register of one school day is submitted through PUT /api/v1/attendance/registers/lessons/{section}/{date}/
# {period} by concurrent clients (bench/AttendanceBurst), then every submission is sent again (a retry, which must
# answer "unchanged"), and the database is counted after each pass: registers of the day, marks of the day (exactly
# the sum of the rosters), duplicates by (RegisterId, StudentId) and by slot (none), registers whose marks are not
# their roster (none), amendments (none). Then a race: each register of another day sent twice at the same moment
# (a client retrying while its first attempt is still in flight). /health/live is measured in the same run, with wrk
# and with the same client, as the machine's ceiling. Figures go to docs/benchmarks.md.
#
# Usage: bench/attendance-burst.sh            (from anywhere; root installs/starts what is missing)
# Environment (all optional), besides those of bench/lib.sh (BENCH_REF, BENCH_RESET, BENCH_RESULTS, BENCH_QUIET_WAIT…):
#   BENCH_WORKERS="16 32 64"  closed-loop runs: concurrent clients, each sending its next register when answered
#   BENCH_RATE=300            open-loop run at n registers/s (default: the target's 3,000 in 10 s; 0 skips it)
#   BENCH_RACE_WORKERS=32     pairs in flight in the race (0 skips it)
#   BENCH_DATE=yyyy-MM-dd     the burst's day (default: the schools' today, or the last weekday before it in term)
#   BENCH_DB=lyceum_bench_attendance  the PostgreSQL database (its own: the burst writes and deletes registers)
#
# The day's registers (and the race day's) are deleted directly in the database before each pass that creates them,
# so that every burst starts from a day with nothing taken. The app runs Release, Production, on 127.0.0.1; it is
# stopped on exit, also on failure; PostgreSQL is left running. About 4 minutes plus build, seeding and any wait for a
# quiet machine.
set -euo pipefail

BENCH_NAME=attendance-burst
export BENCH_DB=${BENCH_DB:-lyceum_bench_attendance}
# 22,500 students in 5 schools: a school day of about 3,000 lesson registers, the target's burst. (A day has about one
# lesson register per 7.4 students: 18,000 students gave 2,426 in 3 schools and 2,433 in 4.)
export BENCH_STUDENTS=${BENCH_STUDENTS:-22500}
export BENCH_SCHOOLS=${BENCH_SCHOOLS:-5}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r -a WORKERS <<<"${BENCH_WORKERS:-16 32 64}"
RACE_WORKERS=${BENCH_RACE_WORKERS:-32}
[[ $PROVIDER == PostgreSql ]] || die "the attendance burst runs on PostgreSQL only"

# shellcheck disable=SC2119 # no extra packages
bench_setup

# --- 5b. The load generator (its own project, not in Lyceum.slnx) -------------------------------------------------
log "building bench/AttendanceBurst"
dotnet build "$BENCH_DIR/AttendanceBurst" -c Release -nologo -v q >"$WORK/generator-build.log" 2>&1 \
    || { tail -40 "$WORK/generator-build.log" >&2; die "bench/AttendanceBurst does not build"; }
GEN=$BENCH_DIR/AttendanceBurst/bin/Release/net10.0/AttendanceBurst.dll
TOKEN=$(sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")

# --- 5c. The days: the burst's (today at the schools, or the last weekday before it in term) and, the weekday before
# it, the warm-up's and the race's. A register for a future day is refused, so neither is after today.
ZONE=$(db_query 'SELECT "TimeZone" FROM "Schools" ORDER BY "Id" LIMIT 1')
SCHOOL_IDS=$(db_query 'SELECT string_agg("Id"::text, $$,$$ ORDER BY "Id") FROM "Schools"')
# school_day DATE: DATE, or the last weekday before it that falls in a term of every school.
school_day() {
    local d=$1 in_term
    for _ in $(seq 1 21); do
        if [[ $(date -d "$d" +%u) -le 5 ]]; then
            in_term=$(db_query "SELECT count(DISTINCT y.\"SchoolId\") = (SELECT count(*) FROM \"Schools\") FROM \"Terms\" t
                JOIN \"AcademicYears\" y ON y.\"Id\" = t.\"AcademicYearId\"
                WHERE t.\"ArchivedAt\" IS NULL AND t.\"StartDate\" <= DATE '$d' AND t.\"EndDate\" >= DATE '$d'")
            [[ $in_term == t ]] && { echo "$d"; return; }
        fi
        d=$(date -d "$d - 1 day" +%F)
    done
    die "no weekday in term in the three weeks up to $1"
}
TODAY=$(TZ=$ZONE date +%F)
DAY=$(school_day "${BENCH_DATE:-$TODAY}")
[[ ! $DAY > $TODAY ]] || die "BENCH_DATE $DAY is after today ($TODAY at the schools): registers for it are refused"
OTHER_DAY=$(school_day "$(date -d "$DAY - 1 day" +%F)")
log "burst day $DAY ($(date -d "$DAY" +%A); today at the schools, $ZONE: $TODAY); warm-up and race day $OTHER_DAY"

# clear_day DATE: every register of that day and what hangs on it (marks, amendments) deleted, then the tables
# vacuumed and analysed, so that each pass starts from the same state.
clear_day() {
    psql_admin -d "$DB_NAME" -c "BEGIN;
        DELETE FROM \"AttendanceMarks\" WHERE \"RegisterId\" IN (SELECT \"Id\" FROM \"Registers\" WHERE \"Date\" = DATE '$1');
        DELETE FROM \"RegisterAmendments\" WHERE \"RegisterId\" IN (SELECT \"Id\" FROM \"Registers\" WHERE \"Date\" = DATE '$1');
        DELETE FROM \"Registers\" WHERE \"Date\" = DATE '$1';
        COMMIT;" >/dev/null
    psql_admin -d "$DB_NAME" -c 'VACUUM (ANALYZE) "Registers", "AttendanceMarks", "RegisterAmendments"' >/dev/null
}

# counts DATE ACKED: the database's view of that day, as key=value. ACKED lists the slots of the registers the API
# answered 200 for (one a line, from the generator's --acked): "lost" counts those the database does not hold, and
# "unacknowledged" the registers it holds that no client was told of (a request that failed after its commit).
counts() {
    {
        echo 'CREATE TEMP TABLE acked (slot text PRIMARY KEY);'
        echo 'COPY acked FROM STDIN;'
        sort -u "$2"
        echo '\.'
        echo "SELECT
        'registers=' || (SELECT count(*) FROM \"Registers\" WHERE \"Date\" = DATE '$1') ||
        ' lesson_registers=' || (SELECT count(*) FROM \"Registers\" WHERE \"Date\" = DATE '$1' AND \"SectionId\" IS NOT NULL) ||
        ' marks=' || (SELECT count(*) FROM \"AttendanceMarks\" WHERE \"Date\" = DATE '$1') ||
        ' marks_of_day_registers=' || (SELECT count(*) FROM \"AttendanceMarks\" m JOIN \"Registers\" r ON r.\"Id\" = m.\"RegisterId\" WHERE r.\"Date\" = DATE '$1') ||
        ' duplicate_marks=' || (SELECT count(*) FROM (SELECT 1 FROM \"AttendanceMarks\" WHERE \"Date\" = DATE '$1'
            GROUP BY \"RegisterId\", \"StudentId\" HAVING count(*) > 1) d) ||
        ' duplicate_slots=' || (SELECT count(*) FROM (SELECT 1 FROM \"Registers\" WHERE \"Date\" = DATE '$1' GROUP BY \"Slot\" HAVING count(*) > 1) d) ||
        ' registers_not_their_roster=' || (SELECT count(*) FROM \"Registers\" r WHERE r.\"Date\" = DATE '$1' AND r.\"SectionId\" IS NOT NULL
            AND (SELECT count(*) FROM \"AttendanceMarks\" m WHERE m.\"RegisterId\" = r.\"Id\")
             <> (SELECT count(*) FROM \"Enrollments\" e WHERE e.\"SectionId\" = r.\"SectionId\" AND e.\"EnrolledOn\" <= r.\"Date\"
                 AND (e.\"WithdrawnOn\" IS NULL OR e.\"WithdrawnOn\" > r.\"Date\"))) ||
        ' marks_not_present=' || (SELECT count(*) FROM \"AttendanceMarks\" m JOIN \"AttendanceCodes\" c ON c.\"Id\" = m.\"CodeId\"
            WHERE m.\"Date\" = DATE '$1' AND c.\"Code\" <> '/') ||
        ' amendments=' || (SELECT count(*) FROM \"RegisterAmendments\" a JOIN \"Registers\" r ON r.\"Id\" = a.\"RegisterId\" WHERE r.\"Date\" = DATE '$1') ||
        ' acknowledged=' || (SELECT count(*) FROM acked) ||
        ' lost=' || (SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM \"Registers\" r WHERE r.\"Slot\" = a.slot)) ||
        ' unacknowledged=' || (SELECT count(*) FROM \"Registers\" r WHERE r.\"Date\" = DATE '$1' AND NOT EXISTS (SELECT 1 FROM acked a WHERE a.slot = r.\"Slot\"));"
    } | psql_admin -d "$DB_NAME" -tA | grep '^registers='
}

# check_counts LABEL COUNTS REGISTERS MARKS: appends the counts and the verdict to RAW; echoes the verdict: "ok" when
# every register of the day is there with its roster, once; "incomplete" when some were never acknowledged (failed
# requests: not lost) but nothing acknowledged is missing; "WRONG" for a lost register or any duplicate.
check_counts() {
    local verdict=ok k
    for k in lost duplicate_marks duplicate_slots registers_not_their_roster marks_not_present amendments; do
        [[ $(field " $2" "$k") == 0 ]] || verdict="WRONG ($k=$(field " $2" "$k"))"
    done
    if [[ $verdict == ok ]]; then
        if [[ $(field " $2" acknowledged) != "$3" ]]; then
            verdict="incomplete: $(field " $2" acknowledged) of $3 registers acknowledged, none lost, no duplicate"
        elif [[ $(field " $2" registers) != "$3" || $(field " $2" lesson_registers) != "$3" ]]; then
            verdict="WRONG (registers: $(field " $2" registers), expected $3)"
        elif [[ $(field " $2" marks) != "$4" || $(field " $2" marks_of_day_registers) != "$4" ]]; then
            verdict="WRONG (marks: $(field " $2" marks), expected $4)"
        fi
    fi
    printf 'database after %s: %s\n  expected: registers=%s marks=%s, every acknowledged register there with its roster, no duplicate, no amendment: %s\n' \
        "$1" "$2" "$3" "$4" "$verdict" >>"$RAW"
    echo "$verdict"
}

# pg_ended: "pgended TICKS", the CPU of every PostgreSQL backend that has ended (of any database: the postmaster's
# children's time). cpu_snapshot sees the backends alive at each end of a run; one that starts and ends within it
# (a connection opened under overload and refused or dropped) would otherwise show as "other processes".
pg_ended() {
    local pid
    pid=$(head -1 "/var/run/postgresql/$PGV-main.pid" 2>/dev/null) || { echo "pgended 0"; return; }
    awk '{ sub(/^.*\) /, ""); print "pgended", $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo "pgended 0"
}

# run_gen LABEL COMMAND ARG…: one generator run (after the previous one drained), its output appended to RAW; echoes
# its BURST_RESULT line and the CPU each party used, in cores over the run's wall time: the app and PostgreSQL idle
# while the generator starts, so their CPU seconds are the run's; the generator's own is its CPU during the run.
run_gen() {
    local label=$1 out line gen_ticks cpu seconds
    shift
    settle
    log "$label: AttendanceBurst $*"
    cpu_snapshot "$WORK/cpu.before"
    pg_ended >>"$WORK/cpu.before"
    out=$(timeout 900 dotnet "$GEN" "$@" --base "$BASE" --token "$TOKEN" 2>"$WORK/gen.err") \
        || { cat "$WORK/gen.err" >&2; printf '%s\n' "$out" >&2; die "AttendanceBurst $label failed"; }
    cpu_snapshot "$WORK/cpu.after"
    pg_ended >>"$WORK/cpu.after"
    times >"$WORK/times"
    gen_ticks=$(awk -v hz="$HZ" 'NR == 2 { gsub(/s/, ""); split($1, u, "m"); split($2, s, "m"); print (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }' "$WORK/times")
    line=$(grep -E '^BURST_(RESULT|HEALTH) ' <<<"$out") || die "AttendanceBurst $label printed no result line"
    seconds=$(field " $line" seconds)
    cpu=$(awk -v hz="$HZ" -v g="$gen_ticks" -v wall="$seconds" -v own="$(field " $line" client_cpu_s)" 'FNR == NR { b[$1] = $2; next } { a[$1] = $2 } END {
        app = a["app"] - b["app"]; pg = 0
        for (k in a) if (k ~ /^pg:/) pg += a[k] - (k in b ? b[k] : 0)
        ended = a["pgended"] - b["pgended"]
        other = a["busy"] - b["busy"] - app - pg - ended - g
        if (own == "") own = g / hz
        printf "cpu_app=%.2f cpu_pg=%.2f cpu_pg_ended=%.2f cpu_gen=%.2f cpu_other=%.2f", app / hz / wall, pg / hz / wall, ended / hz / wall,
            own / wall, (other < 0 ? 0 : other) / hz / wall }' \
        "$WORK/cpu.before" "$WORK/cpu.after")
    printf '\n## %s\n$ dotnet bench/AttendanceBurst/bin/Release/net10.0/AttendanceBurst.dll %s --base %s --token …\n%s\n' \
        "$label" "${*//$WORK\//}" "$BASE" "$out" >>"$RAW"
    # The first failures in full (the generator prints up to five), without its progress lines.
    grep -v '^\[burst ' "$WORK/gen.err" | sed 's/^/  (stderr) /' >>"$RAW" || true
    printf 'CPU (cores busy over the run): %s\n' "$cpu" >>"$RAW"
    echo "$line $cpu"
}

# --- 6. Runs -------------------------------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS_DIR/attendance-burst-$STAMP.txt
TABLE=$RESULTS_DIR/attendance-burst-$STAMP.md
raw_header "bench/attendance-burst.sh $STAMP"
{
    echo "database $DB_NAME: $STUDENTS students in $SCHOOLS schools (ids $SCHOOL_IDS); burst day $DAY ($(date -d "$DAY" +%A)), warm-up and race day $OTHER_DAY; today at the schools ($ZONE) $TODAY"
    echo "caller: administrator $ADMIN_EMAIL (attendance.edit everywhere) for every client"
    echo "connection string options added by BENCH_PG_OPTIONS: ${BENCH_PG_OPTIONS:-none, the app defaults}"
} >>"$RAW"

# The plans: every lesson register of each day with its roster, read through the API before anything is timed.
clear_day "$DAY"
clear_day "$OTHER_DAY"
PLAN=$WORK/plan-$DAY.json
OTHER_PLAN=$WORK/plan-$OTHER_DAY.json
for d in "$DAY" "$OTHER_DAY"; do
    out=$(dotnet "$GEN" prepare --base "$BASE" --token "$TOKEN" --date "$d" --schools "$SCHOOL_IDS" --plan "$WORK/plan-$d.json" 2>"$WORK/gen.err") \
        || { cat "$WORK/gen.err" >&2; die "prepare $d failed"; }
    printf '\n## plan for %s (%s): the day'"'"'s registers and their rosters, read through the API\n%s\n' "$d" "$(date -d "$d" +%A)" "$out" >>"$RAW"
    line=$(grep '^BURST_PREPARE ' <<<"$out")
    if [[ $d == "$DAY" ]]; then PREP=$line; else OTHER_PREP=$line; fi
done
REGISTERS=$(field " $PREP" registers) MARKS=$(field " $PREP" marks)
OTHER_REGISTERS=$(field " $OTHER_PREP" registers) OTHER_MARKS=$(field " $OTHER_PREP" marks)
log "$DAY: $REGISTERS lesson registers, $MARKS marks (students per register $(field " $PREP" students_min)–$(field " $PREP" students_max), mean $(field " $PREP" students_mean))"
# The target's rate: 3,000 registers in 10 s. A seeded day has about 2,500 lesson registers with 15,000 students, so
# the verdict below asks for that rate (the day's registers within REGISTERS / 300 s), not for 10 s.
TARGET_RATE=300
RATE=${BENCH_RATE:-$TARGET_RATE}

# Warm-up (the JIT's tiers, EF Core's query cache, the connection pool): the other day's registers and their retries,
# then that day cleared again. A shorter warm-up left the JIT still compiling hot methods during the first burst
# (seen with dotnet-counters: seconds of JIT time per 5 s over the first ~1,500 submissions).
wait_quiet
run_gen "warm-up: the registers of $OTHER_DAY" burst --plan "$OTHER_PLAN" --workers 32 --expect created --label warm-up >/dev/null
run_gen "warm-up: their retries" burst --plan "$OTHER_PLAN" --workers 32 --expect unchanged --label warm-up-retry >/dev/null
clear_day "$OTHER_DAY"

declare -A RESULT COUNTS
HEALTH_CONNECTIONS=(64)
for c in "${HEALTH_CONNECTIONS[@]}"; do
    RESULT[wrk,$c]=$(run_wrk "/health/live" "$c" 10 "$BENCH_DIR/wrk-report.lua" /health/live)
done
RESULT[health]=$(run_gen "GET /health/live with the burst's client (c64)" health --workers 64 --seconds 10)

# pass KEY LABEL ARG…: a burst and its retry pass on a cleared burst day, each followed by the database's counts.
pass() {
    local key=$1 label=$2
    shift 2
    clear_day "$DAY"
    wait_quiet
    : >"$WORK/acked"
    RESULT[$key]=$(run_gen "$label" burst --plan "$PLAN" --expect created --label "$key" --csv "${RAW%.txt}.$key.csv" --acked "$WORK/acked" "$@")
    COUNTS[$key]=$(check_counts "$label" "$(counts "$DAY" "$WORK/acked")" "$REGISTERS" "$MARKS")
    RESULT[$key-retry]=$(run_gen "$label: every submission retried once" burst --plan "$PLAN" --expect unchanged --label "$key-retry" \
        --csv "${RAW%.txt}.$key-retry.csv" --acked "$WORK/acked" "$@")
    COUNTS[$key-retry]=$(check_counts "$label, retried" "$(counts "$DAY" "$WORK/acked")" "$REGISTERS" "$MARKS")
}

RUNS=()
for w in "${WORKERS[@]}"; do
    pass "c$w" "burst: $REGISTERS registers, $w clients (closed loop)" --workers "$w"
    RUNS+=("c$w|$w clients, closed loop")
done
if [[ $RATE -gt 0 ]]; then
    pass "rate$RATE" "burst: $REGISTERS registers arriving at $RATE/s (open loop)" --rate "$RATE"
    RUNS+=("rate$RATE|$RATE registers/s due, open loop")
fi
if [[ $RACE_WORKERS -gt 0 ]]; then
    clear_day "$OTHER_DAY"
    : >"$WORK/acked-race"
    wait_quiet
    RESULT[race]=$(run_gen "race: $OTHER_REGISTERS registers of $OTHER_DAY, each sent twice at once, $RACE_WORKERS pairs in flight" \
        race --plan "$OTHER_PLAN" --workers "$RACE_WORKERS" --label race --csv "${RAW%.txt}.race.csv" --acked "$WORK/acked-race")
    COUNTS[race]=$(check_counts "the race" "$(counts "$OTHER_DAY" "$WORK/acked-race")" "$OTHER_REGISTERS" "$OTHER_MARKS")
    RACE_PAIRS=$(grep -h '^BURST_RACE ' "$RAW" | tail -1)
fi

app_log_summary

# --- 7. Tables -----------------------------------------------------------------------------------------------------
row() { # KEY NAME
    local r=${RESULT[$1]}
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$(field " $r" requests)" "$(field " $r" seconds)" \
        "$(awk -v v="$(field " $r" rps)" 'BEGIN { printf "%.0f", v }')" "$(awk -v v="$(field " $r" rps)" 'BEGIN { printf "%.1f", 3000 / v }')" \
        "$(field " $r" p50_ms)" "$(field " $r" p95_ms)" \
        "$(field " $r" p99_ms)" "$(field " $r" max_ms)" "$(field " $r" status) / $(field " $r" outcome)" "${COUNTS[$1]}"
}
{
    [[ -n ${BENCH_PG_OPTIONS:-} ]] && echo "Connection string options added: \`$BENCH_PG_OPTIONS\`." && echo
    echo "$DAY ($(date -d "$DAY" +%A)): $REGISTERS lesson registers, $MARKS marks (students per register $(field " $PREP" students_min)–$(field " $PREP" students_max), mean $(field " $PREP" students_mean)); caller: the administrator"
    echo
    echo "| run | requests | wall (s) | requests/s | 3,000 would take (s) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | status / outcome | database after |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    for spec in "${RUNS[@]}"; do
        IFS='|' read -r key name <<<"$spec"
        row "$key" "burst, $name"
        row "$key-retry" "retry of every submission, $name"
    done
    [[ -n ${RESULT[race]:-} ]] && row race "race ($OTHER_DAY: $OTHER_REGISTERS registers, each twice at once, $RACE_WORKERS pairs)"
    [[ -n ${RACE_PAIRS:-} ]] && { echo; echo "Race pairs: $RACE_PAIRS"; }
    echo
    h=${RESULT[health]}
    w=${RESULT[wrk,64]}
    echo "Ceiling in the same run: \`GET /health/live\` $(awk -v v="$(field "$w" rps)" 'BEGIN { printf "%.0f", v }') requests/s with wrk c64 (p95 $(field "$w" p95_ms) ms), $(field " $h" rps) requests/s with the burst's client at 64 workers (p95 $(field " $h" p95_ms) ms)."
    echo
    echo "CPU during each run, in cores busy (of $(nproc)) over its wall time:"
    echo
    echo "| run | app | PostgreSQL | PostgreSQL backends ended during the run (any database) | generator | other processes |"
    echo "|---|---:|---:|---:|---:|---:|"
    for spec in "${RUNS[@]}" "race|race"; do
        IFS='|' read -r key name <<<"$spec"
        for k in "$key" "$key-retry"; do
            [[ -n ${RESULT[$k]:-} ]] || continue
            r=${RESULT[$k]}
            printf '| %s | %s | %s | %s | %s | %s |\n' "$k" "$(field " $r" cpu_app)" "$(field " $r" cpu_pg)" "$(field " $r" cpu_pg_ended)" \
                "$(field " $r" cpu_gen)" "$(field " $r" cpu_other)"
        done
    done
    echo
    echo "Target: 3,000 registers within 10 s ($TARGET_RATE/s; here the day's $REGISTERS answered within $(awk -v n="$REGISTERS" -v r="$TARGET_RATE" 'BEGIN { printf "%.1f", n / r }') s of the first sent, + 0.1 s for the last one's answer) at p95 ≤ 100 ms, no lost or duplicated mark, also with retries."
    for spec in "${RUNS[@]}"; do
        IFS='|' read -r key name <<<"$spec"
        r=${RESULT[$key]}
        awk -v n="$name" -v s="$(field " $r" seconds)" -v rps="$(field " $r" rps)" -v p="$(field " $r" p95_ms)" -v u="$(field " $r" unexpected)" \
            -v t="$TARGET_RATE" -v n_reg="$REGISTERS" -v db="${COUNTS[$key]} / ${COUNTS[$key-retry]}" \
            'BEGIN { printf "- %s: %s (%.0f registers/s in %.2f s, p95 %s ms, %d unexpected answers; database %s)\n", n,
                (s <= n_reg / t + 0.1 && p <= 100 && u == 0 && db == "ok / ok") ? "met" : "not met", rps, s, p, u, db }'
    done
    disturbed=$(for r in "${RESULT[@]}"; do field " $r" cpu_other; done | sort -g | tail -1)
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
