#!/usr/bin/env bash
# Shared by the benchmarks in bench/ (sourced, not run): settings, the bench database, building and starting the app,
# signing in, wrk runs with the CPU split per run, waiting for a quiet machine, the app log's summary and the result
# tables. The caller sets BENCH_NAME (the result files' prefix) before sourcing it, then calls bench_setup.
#
# Environment (all optional):
#   BENCH_DURATION=20      seconds per measured wrk run        BENCH_WARMUP=15   seconds of warm-up, per endpoint
#   BENCH_THREADS=2        wrk threads                         BENCH_CONNECTIONS="16 64"
#   BENCH_REF=<commit>     build that commit (git archive into a temp dir) instead of the working tree
#   BENCH_RESET=1          drop and reseed the bench database even when it already holds 15,000 students, the
#                          build's migrations and the demo teacher
#   BENCH_RESULTS=<dir>    where results go (default bench/results, git-ignored)
#   BENCH_QUIET_WAIT=180   seconds to wait for other processes to go quiet before measuring
#   BENCH_STUDENTS=15000   students to seed, over BENCH_SCHOOLS=3 schools (a script may set other defaults)
#   BENCH_PROVIDER=PostgreSql  or Sqlite: the database the app runs on. PostgreSQL: database lyceum_bench (15,000
#                          students) or lyceum_bench_<N> for another N; SQLite: /var/tmp/lyceum-bench-<N>.db
#   BENCH_DB=<name>        another PostgreSQL database name than the above (a script that writes sets its own)
#   BENCH_PG_OPTIONS=…     appended to the app's PostgreSQL connection string, e.g. "Maximum Pool Size=16" (default:
#                          none, the app's own defaults); a run that sets it says so in its raw output
#
# Everything listens and connects on 127.0.0.1 only. The app is stopped on exit, also on failure; PostgreSQL is left
# running.

# shellcheck disable=SC2034 # settings and constants for the scripts that source this file
: "${BENCH_NAME:?set BENCH_NAME before sourcing bench/lib.sh}"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=$ROOT/bench
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-15}
THREADS=${BENCH_THREADS:-2}
read -r -a CONNECTIONS <<<"${BENCH_CONNECTIONS:-16 64}"
REF=${BENCH_REF:-}
RESET=${BENCH_RESET:-0}
RESULTS_DIR=${BENCH_RESULTS:-$BENCH_DIR/results}

SCHOOLS=${BENCH_SCHOOLS:-3}
STUDENTS=${BENCH_STUDENTS:-15000}
PROVIDER=${BENCH_PROVIDER:-PostgreSql}
[[ $PROVIDER == PostgreSql || $PROVIDER == Sqlite ]] || { echo "BENCH_PROVIDER must be PostgreSql or Sqlite" >&2; exit 2; }
PAGE_SIZE=25
PAGES=$(((STUDENTS + PAGE_SIZE - 1) / PAGE_SIZE))
if [[ $STUDENTS == 15000 ]]; then DB_NAME=lyceum_bench; else DB_NAME=lyceum_bench_$STUDENTS; fi
# A benchmark that writes (bench/attendance-burst.sh) names a database of its own, so that it never changes the data
# the read benchmarks measure.
DB_NAME=${BENCH_DB:-$DB_NAME}
SQLITE_FILE=/var/tmp/lyceum-bench-$STUDENTS.db
DB_USER=lyceum_bench
DB_PASSWORD=lyceum_bench_password
ADMIN_EMAIL=bench-admin@lyceum.local
ADMIN_PASSWORD=bench-admin-password
# Made by the demo seeding for the first school (DemoAccounts), linked to the teacher with the most sections; the
# password is Lyceum:Demo:Password, given to the seed command and the app alike (section 4).
TEACHER_EMAIL=teacher@demo.lyceum.local
DEMO_PASSWORD=bench-demo-password

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

APP_PID=
WORK=$(mktemp -d -t lyceum-bench.XXXXXX)
APP_LOG=$WORK/app.log
cleanup() {
    local rc=$?
    if [[ $rc != 0 && -s $APP_LOG ]]; then
        mkdir -p "${RESULTS_DIR:?}"
        cp "$APP_LOG" "$RESULTS_DIR/$BENCH_NAME-failed-$(date -u +%Y%m%dT%H%M%SZ).app.log"
        log "the app's log is kept in $RESULTS_DIR; its end:"
        tail -15 "$APP_LOG" | cut -c1-400 >&2
    fi
    if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
        log "stopping the app (pid $APP_PID)"
        kill -TERM "$APP_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$APP_PID" 2>/dev/null && { log "app still running after 10 s: SIGKILL"; kill -KILL "$APP_PID" 2>/dev/null || true; }
        wait "$APP_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_postgres() {
    if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

psql_admin() { as_postgres psql -p "$PGPORT" -X -q -v ON_ERROR_STOP=1 "$@"; }

# db_query SQL: one value (or lines of values) from the bench database, on either provider; fails when it cannot.
db_query() {
    if [[ $PROVIDER == Sqlite ]]; then sqlite3 -batch -noheader "$SQLITE_FILE" "$1"; else psql_admin -d "$DB_NAME" -tAc "$1"; fi
}

db_exists() {
    if [[ $PROVIDER == Sqlite ]]; then [[ -f $SQLITE_FILE ]]; else [[ $(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") == 1 ]]; fi
}

# db_recreate: an empty bench database (the seed command migrates it).
db_recreate() {
    if [[ $PROVIDER == Sqlite ]]; then
        rm -f "$SQLITE_FILE" "$SQLITE_FILE-wal" "$SQLITE_FILE-shm"
    else
        psql_admin -d postgres -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)"
        psql_admin -d postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
    fi
}

# bench_setup [PACKAGE…]: sections 1–5 below. Installs what is missing (the packages every benchmark needs, and those
# given), starts PostgreSQL, builds the app (BENCH_REF or the working tree), makes sure the bench database holds the
# seeded students, exports the configuration shared by the seed command and the app, starts the app on a free
# loopback port and waits for /health/ready. Sets COMMIT, SRC, DLL, PGV, PGPORT, PORT, BASE and APP_PID.
bench_setup() {
    # --- 1. Tools and PostgreSQL -----------------------------------------------------------------------------------
    need=()
    for p in postgresql wrk curl jq sqlite3 "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
    if [[ ${#need[@]} -gt 0 ]]; then
        [[ $EUID -eq 0 ]] || die "missing packages (${need[*]}): run as root or install them"
        log "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
    fi
    command -v dotnet >/dev/null || die "dotnet SDK not found"

    PGV=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -1) || true
    [[ -n $PGV ]] || die "no PostgreSQL cluster in /etc/postgresql"
    if ! pg_ctlcluster "$PGV" main status >/dev/null 2>&1; then
        log "starting PostgreSQL $PGV"
        pg_ctlcluster "$PGV" main start
    fi
    PGPORT=$(pg_lsclusters -h | awk -v v="$PGV" '$1 == v && $2 == "main" { print $3 }')
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 1; done
    pg_isready -q -h 127.0.0.1 -p "$PGPORT" || die "PostgreSQL does not answer on 127.0.0.1:$PGPORT"

    # --- 2. Build Release ------------------------------------------------------------------------------------------
    if [[ -n $REF ]]; then
        COMMIT=$(git -C "$ROOT" rev-parse --short "$REF^{commit}")
        log "building commit $COMMIT (clean export, working tree ignored)"
        mkdir -p "$WORK/src"
        git -C "$ROOT" archive "$COMMIT" | tar -x -C "$WORK/src"
        SRC=$WORK/src
    else
        COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
        if [[ -n $(git -C "$ROOT" status --porcelain -- src Directory.Build.props Directory.Packages.props) ]]; then
            COMMIT="$COMMIT (+ uncommitted changes in src/)"
        fi
        log "building the working tree ($COMMIT)"
        SRC=$ROOT
    fi
    dotnet build "$SRC/src/Lyceum.Web" -c Release -nologo -v q >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; die "build failed"; }
    DLL=$SRC/src/Lyceum.Web/bin/Release/net10.0/Lyceum.Web.dll
    [[ -f $DLL ]] || { tail -40 "$WORK/build.log" >&2; die "build output $DLL not found"; }

    # --- 3. The bench database: reuse it when it holds the students and its migrations are the build's, else reseed
    if [[ $PROVIDER == Sqlite ]]; then DB_LABEL=$SQLITE_FILE; else DB_LABEL=$DB_NAME; fi
    psql_admin -d postgres -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
        CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';
      ELSE
        ALTER ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';
      END IF;
    END \$\$;"

    existing=0 foreign='' missing='' teacher=0
    if db_exists; then
        existing=$(db_query 'SELECT count(*) FROM "Students"' 2>/dev/null || echo 0)
        db_query 'SELECT "MigrationId" FROM "__EFMigrationsHistory"' 2>/dev/null | sort >"$WORK/migrations.db" || true
        find "$SRC/src/Lyceum.Migrations.$PROVIDER/Migrations" -name '[0-9]*_*.cs' ! -name '*.Designer.cs' -printf '%f\n' \
            | sed 's/\.cs$//' | sort >"$WORK/migrations.build"
        # Applied migrations the build does not have (regenerated or removed): the schema is not this build's.
        foreign=$(comm -23 "$WORK/migrations.db" "$WORK/migrations.build")
        # Migrations the build has and the database lacks: seeded by an older build, whose seeding may differ (the demo
        # accounts, role grants, audit rows); the app would migrate it, but the data would not be what this build seeds.
        missing=$(comm -13 "$WORK/migrations.db" "$WORK/migrations.build")
        teacher=$(db_query "SELECT count(*) FROM \"AspNetUsers\" WHERE \"NormalizedEmail\" = upper('$TEACHER_EMAIL')" 2>/dev/null || echo 0)
    fi
    SEED=1
    if [[ -n $foreign ]]; then
        log "database $DB_LABEL has migrations this build does not know ($(paste -sd' ' <<<"$foreign")): recreating it"
        existing=0
    elif [[ -n $missing ]]; then
        log "database $DB_LABEL lacks migrations of this build ($(paste -sd' ' <<<"$missing")), so an older build seeded it: recreating it"
        existing=0
    elif [[ $existing == "$STUDENTS" && $teacher != 1 ]]; then
        log "database $DB_LABEL has no demo account $TEACHER_EMAIL: recreating it"
        existing=0
    fi
    if [[ $RESET != 1 && $existing == "$STUDENTS" ]]; then
        SEED=0
        log "database $DB_LABEL already holds $STUDENTS students and $TEACHER_EMAIL: not reseeding (BENCH_RESET=1 forces it)"
    else
        log "recreating database $DB_LABEL (it held ${existing:-0} students)"
        db_recreate
    fi

    # --- 4. Configuration shared by seed and app (environment variables beat appsettings.json) ---------------------
    export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    export Database__Provider=$PROVIDER
    if [[ $PROVIDER == Sqlite ]]; then
        export ConnectionStrings__Lyceum="Data Source=$SQLITE_FILE"
    else
        export ConnectionStrings__Lyceum="Host=127.0.0.1;Port=$PGPORT;Database=$DB_NAME;Username=$DB_USER;Password=$DB_PASSWORD${BENCH_PG_OPTIONS:+;$BENCH_PG_OPTIONS}"
    fi
    export Lyceum__Admin__Email=$ADMIN_EMAIL Lyceum__Admin__Password=$ADMIN_PASSWORD
    export Lyceum__Demo__Enabled=false Lyceum__Demo__Password=$DEMO_PASSWORD
    export Lyceum__Jwt__SigningKey=lyceum-bench-signing-key-not-a-secret-0123456789
    export Lyceum__Jwt__AccessTokenMinutes=120
    export Lyceum__ShutdownTimeoutSeconds=5
    export Logging__LogLevel__Default=Warning
    export Redis__Configuration=

    if [[ $SEED == 1 ]]; then
        log "seeding $SCHOOLS schools, $STUDENTS students"
        (cd "$WORK" && timeout 1800 dotnet "$DLL" seed --schools "$SCHOOLS" --students "$STUDENTS") >"$WORK/seed.log" 2>&1 \
            || { tail -40 "$WORK/seed.log" >&2; die "seeding failed"; }
        tail -1 "$WORK/seed.log" >&2
        got=$(db_query 'SELECT count(*) FROM "Students"')
        [[ $got == "$STUDENTS" ]] || die "seeded $got students, expected $STUDENTS"
        teacher=$(db_query "SELECT count(*) FROM \"AspNetUsers\" WHERE \"NormalizedEmail\" = upper('$TEACHER_EMAIL')")
        [[ $teacher == 1 ]] || die "seeding made no demo account $TEACHER_EMAIL"
    fi
    # A steady state like a live database's after autovacuum: statistics and visibility map fresh, and no autovacuum of
    # the just-seeded tables in the middle of a run.
    if [[ $PROVIDER == Sqlite ]]; then db_query 'ANALYZE;' >/dev/null; else psql_admin -d "$DB_NAME" -c 'VACUUM (ANALYZE)'; fi

    # --- 5. Start the app on a free loopback port and wait for readiness -------------------------------------------
    PORT=
    for _ in $(seq 1 50); do
        candidate=$((20000 + RANDOM % 20000))
        if [[ -z $(ss -Htln "sport = :$candidate") ]]; then PORT=$candidate; break; fi
    done
    [[ -n $PORT ]] || die "no free port found"
    BASE=http://127.0.0.1:$PORT
    log "starting the app on $BASE"
    (cd "$WORK" && exec dotnet "$DLL" --urls "$BASE") >"$APP_LOG" 2>&1 &
    APP_PID=$!

    ready=0
    for _ in $(seq 1 240); do
        kill -0 "$APP_PID" 2>/dev/null || { tail -40 "$APP_LOG" >&2; die "the app exited during startup"; }
        if curl -fs -o /dev/null --max-time 2 "$BASE/health/ready"; then ready=1; break; fi
        sleep 0.5
    done
    [[ $ready == 1 ]] || { tail -40 "$APP_LOG" >&2; die "not ready after 120 s"; }
}

# sign_in EMAIL PASSWORD: prints an access token (POST /api/v1/auth/token), or dies.
sign_in() {
    local token
    token=$(jq -cn --arg e "$1" --arg p "$2" '{ email: $e, password: $p }' \
        | curl -fsS --max-time 10 -H 'Content-Type: application/json' --data-binary @- "$BASE/api/v1/auth/token" \
        | jq -r '.accessToken // empty') || true
    [[ -n $token ]] || die "no access token for $1 from POST /api/v1/auth/token (a database seeded with another demo password? BENCH_RESET=1)"
    printf '%s' "$token"
}

# list_page TOKEN PAGE: the body of GET /api/v1/students?page=PAGE, or dies.
list_page() {
    curl -fsS --max-time 10 -H "Authorization: Bearer $1" "$BASE/api/v1/students?page=$2&pageSize=$PAGE_SIZE" \
        || die "GET /api/v1/students?page=$2 failed"
}

# check_list TOKEN TOTAL LAST WHO: one checked request per end of the list (pages 1 and LAST): 200, the expected
# totalCount and at least one item; dies otherwise.
check_list() {
    local page body total count
    for page in 1 "$3"; do
        body=$(list_page "$1" "$page")
        total=$(jq -r '.totalCount' <<<"$body"); count=$(jq -r '.items | length' <<<"$body")
        [[ $total == "$2" && $count -ge 1 ]] || die "$4, page $page: totalCount=$total, items=$count"
    done
}

# CPU accounting in clock ticks. cpu_snapshot FILE writes "key ticks" lines: wall time, the machine's busy time (all
# but idle and iowait; interrupt time is charged to the interrupted process as well, so it is not counted apart), the
# app's, and each PostgreSQL process's (per pid, so that a backend ending mid-run costs nothing but its own last
# ticks). PostgreSQL means the cluster's own processes and the backends of the bench database: a backend of another
# database (the test suite uses this cluster too) is left out, so its CPU shows as "other processes", not as ours.
HZ=$(getconf CLK_TCK)
cpu_snapshot() {
    local pid title
    {
        echo "time $(date +%s.%N)"
        awk '/^cpu / { print "busy", $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
        awk '{ sub(/^.*\) /, ""); print "app", $12 + $13 }' "/proc/$APP_PID/stat" 2>/dev/null || app_gone
        for pid in $(pgrep -u postgres); do
            # A backend's title: "postgres: 15/main: USER DATABASE HOST(PORT) STATE" (or "[local]" for a socket).
            title=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
            if [[ $title =~ ^postgres:\ [^:]+:\ [^\ ]+\ ([^\ ]+)\ (\[local\]|[^\ ]*\([0-9]+\)) && ${BASH_REMATCH[1]} != "$DB_NAME" ]]; then
                continue
            fi
            awk -v p="$pid" '{ sub(/^.*\) /, ""); print "pg:" p, $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || true
        done
    } >"$1"
}

app_gone() {
    if grep -q 'Application is shutting down' "$APP_LOG"; then
        die "the app (pid $APP_PID) was stopped from outside (SIGTERM or SIGINT from another process on the machine): re-run"
    fi
    die "the app (pid $APP_PID) exited (see its log below)"
}

# cpu_split BEFORE AFTER WRK_TICKS: cores busy per party between two snapshots.
cpu_split() {
    awk -v hz="$HZ" -v w="$3" 'FNR == NR { b[$1] = $2; next } { a[$1] = $2 } END {
        t = (a["time"] - b["time"]) * hz
        app = a["app"] - b["app"]; pg = 0
        for (k in a) if (k ~ /^pg:/) pg += a[k] - (k in b ? b[k] : 0)
        other = a["busy"] - b["busy"] - app - pg - w
        printf "cpu_app=%.2f cpu_pg=%.2f cpu_wrk=%.2f cpu_other=%.2f", app / t, pg / t, w / t, (other < 0 ? 0 : other) / t }' "$1" "$2"
}

# settle: before a run, let the previous one drain (no busy query of the app left, /health/live answering), so that
# requests the server still works on after wrk hangs up do not count against the next run. Bounded: 30 s.
settle() {
    local active
    for _ in $(seq 1 60); do
        active=$(psql_admin -d postgres -tAc "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB_NAME' AND state <> 'idle'")
        [[ $active == 0 ]] && curl -fs -o /dev/null --max-time 1 "$BASE/health/live" && break
        sleep 0.5
    done
    sleep 2
}

# run_wrk LABEL CONNECTIONS SECONDS SCRIPT PATH: appends wrk's output to the raw file, echoes the BENCH_RESULT line
# with the CPU each party used during the run (in cores; wrk's own from this subshell's children times).
run_wrk() {
    local label=$1 conns=$2 seconds=$3 script=$4 path=$5 out line wrk_ticks cpu
    settle
    log "wrk $label: -t$THREADS -c$conns -d${seconds}s $path"
    cpu_snapshot "$WORK/cpu.before"
    out=$(timeout $((seconds + 30)) wrk -t"$THREADS" -c"$conns" -d"${seconds}s" --timeout 5s --latency -s "$script" "$BASE$path" 2>&1) \
        || { printf '%s\n' "$out" >&2; die "wrk $label failed"; }
    cpu_snapshot "$WORK/cpu.after"
    # `times` prints this shell's, then its children's user and system time ("0m12.345s 0m3.210s"); redirected, not
    # piped, as a pipe would run it in a fresh subshell with no children.
    times >"$WORK/times"
    wrk_ticks=$(awk -v hz="$HZ" 'NR == 2 { gsub(/s/, ""); split($1, u, "m"); split($2, s, "m"); print (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }' "$WORK/times")
    cpu=$(cpu_split "$WORK/cpu.before" "$WORK/cpu.after" "$wrk_ticks")
    printf '\n## %s (c%s)\n$ wrk -t%s -c%s -d%ss --timeout 5s --latency -s %s %s\n%s\nCPU (cores busy): %s\n' \
        "$label" "$conns" "$THREADS" "$conns" "$seconds" "${script#"$ROOT"/}" "$path" "$out" "$cpu" >>"$RAW"
    line=$(grep '^BENCH_RESULT ' <<<"$out") || die "wrk $label printed no BENCH_RESULT line"
    [[ $line != *" requests=0 "* ]] || die "wrk $label: no request completed (see $RAW)"
    echo "$line $cpu"
}

# wait_quiet: the machine is shared (builds, tests); wait up to BENCH_QUIET_WAIT seconds for other processes to use
# less than a quarter of a core over 2 s, then measure anyway and say so in the raw file.
wait_quiet() {
    local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-180})) busy
    while :; do
        busy=$( { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; sleep 2
                  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; } | awk -v hz="$HZ" 'NR == 1 { b = $1 } NR == 2 { printf "%.2f", ($1 - b) / hz / 2 }')
        if awk -v b="$busy" 'BEGIN { exit !(b < 0.25) }'; then
            log "machine quiet (${busy} cores busy)"
            return
        fi
        if ((SECONDS >= deadline)); then
            log "WARNING: machine still busy (${busy} cores used by other processes): measuring anyway"
            { echo; echo "WARNING: other processes used ${busy} cores before the runs:"; ps -eo pid,pcpu,etime,comm --sort=-pcpu | head -6; } >>"$RAW"
            return
        fi
        log "machine busy (${busy} cores used by other processes): waiting"
        sleep 5
    done
}

# app_log_summary: the app's own view of the runs, appended to RAW: every Warning or worse it logged (the log level is
# Warning), counted by message; the whole log is kept beside RAW. The readiness probe's "not checked until startup is
# done" errors before the runs are expected.
app_log_summary() {
    {
        echo
        echo "## app log: Warning and above, by count"
        jq -R -r 'fromjson? | select(type == "object" and (.LogLevel | IN("Warning", "Error", "Critical")))
            | "\(.LogLevel) \(.Category // "-"): \((.Message // "") | gsub("\\s+"; " ") | .[0:200])"' "$APP_LOG" \
            | sort | uniq -c | sort -rn | awk 'NR <= 20'
        echo "($(grep -vc '^{' "$APP_LOG" || true) lines that are not JSON; the whole log: ${RAW%.txt}.app.log)"
    } >>"$RAW"
    cp "$APP_LOG" "${RAW%.txt}.app.log"
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# raw_header TITLE: starts RAW with the lines every benchmark's raw output opens with.
raw_header() {
    local cpu mem
    cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    mem=$(free -h | awk '/^Mem:/ { print $2 }')
    {
        echo "# $1"
        echo "commit: $COMMIT"
        echo "machine: $(nproc) cores ($cpu), $mem RAM; app, PostgreSQL $PGV and wrk share the cores"
        echo "dotnet $(dotnet --version), $(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }'), $(as_postgres psql -p "$PGPORT" -tAc 'SHOW server_version' | awk '{ print $1 }')"
    } >"$RAW"
}

# result_tables "KIND|TABLE NAME|CPU NAME"…: the requests/s table and the CPU table for the wrk results in
# RESULT[KIND,CONNECTIONS] (run_wrk's lines), one row per kind and concurrency; RESULT[health,C] is the ceiling the
# "vs /health/live" column divides by. Ends with a "Disturbed" note when other processes took over 0.15 of a core.
result_tables() {
    local spec kind name c r h ratio errors disturbed
    echo "| endpoint | concurrency | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | vs /health/live | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for spec in "$@"; do
        IFS='|' read -r kind name _ <<<"$spec"
        for c in "${CONNECTIONS[@]}"; do
            r=${RESULT[$kind,$c]}
            h=${RESULT[health,$c]}
            ratio=$(awk -v a="$(field "$r" rps)" -v b="$(field "$h" rps)" 'BEGIN { printf "%.3g %%", 100 * a / b }')
            errors=$(($(field "$r" http_errors) + $(field "$r" socket_errors)))
            printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$c" \
                "$(awk -v v="$(field "$r" rps)" 'BEGIN { printf "%.0f", v }')" \
                "$(field "$r" p50_ms)" "$(field "$r" p95_ms)" "$(field "$r" p99_ms)" "$ratio" "$errors"
        done
    done
    echo
    echo "CPU during each run, in cores busy (of $(nproc)): where the time went."
    echo
    echo "| endpoint | concurrency | app | PostgreSQL | wrk | other processes |"
    echo "|---|---:|---:|---:|---:|---:|"
    for spec in "$@"; do
        IFS='|' read -r kind _ name <<<"$spec"
        for c in "${CONNECTIONS[@]}"; do
            r=${RESULT[$kind,$c]}
            # shellcheck disable=SC2016 # the backquotes are Markdown's
            printf '| `%s` | %s | %s | %s | %s | %s |\n' "$name" "$c" \
                "$(field "$r" cpu_app)" "$(field "$r" cpu_pg)" "$(field "$r" cpu_wrk)" "$(field "$r" cpu_other)"
        done
    done
    disturbed=$(for r in "${RESULT[@]}"; do field "$r" cpu_other; done | sort -g | tail -1)
    if awk -v o="$disturbed" 'BEGIN { exit !(o > 0.15) }'; then
        echo
        echo "**Disturbed:** other processes used up to $disturbed cores during a run; the figures understate the app. Re-run on a quiet machine."
    fi
}
