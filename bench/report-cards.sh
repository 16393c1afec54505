#!/usr/bin/env bash
# Benchmark: a year group's report cards as one PDF (issue 7). On PostgreSQL, one demo school of 3,000 students (five
# year groups of about 600, a term of registers taken up to yesterday), the script first gives every section of the
# largest year group's current term marks through the API (two weighted categories, five assessments, every student
# marked) and a teacher's comment for every student in every section (PUT term-grades), then asks
# GET /api/v1/report-cards?termId=&schoolId=&yearGroup= as the administrator BENCH_RUNS times and measures each:
#   - wall seconds (curl's time to the first byte, when the PDF is complete on the server, and to the last);
#   - the server's peak memory during the request: the app process's VmHWM (peak resident set) from
#     /proc/<pid>/status, reset to the current RSS just before the request by writing 5 to /proc/<pid>/clear_refs
#     (Linux ≥ 4.0), so it is the request's own peak, not startup's; also VmRSS before and after;
#   - CPU seconds of the app and of PostgreSQL over the request (from /proc, as the other benchmarks count them);
#   - the PDF's size and pages (pdfinfo) and that every student of the year group is in it (pdftotext).
# After the year group, one form of it (about 30 students) once, for how time and memory grow with the students.
# Then one student's report card and transcript, 10 times each, for their latency. Figures go to docs/benchmarks.md.
#
# Usage: bench/report-cards.sh            (from anywhere; root installs/starts what is missing)
# Environment (all optional), besides those of bench/lib.sh (BENCH_REF, BENCH_RESET, BENCH_RESULTS, BENCH_QUIET_WAIT…):
#   BENCH_RUNS=3                 measured requests of the year group's PDF (the first also warms the JIT)
#   BENCH_DB=lyceum_bench_reportcards   the PostgreSQL database (its own: the script writes marks and comments)
#   BENCH_STUDENTS=3000 BENCH_SCHOOLS=1  what the demo seed makes
#   BENCH_COMMENT_WORKERS=4      concurrent requests while writing the comments
#
# Marks and comments are written once per database: a section that already has categories is left as it is, so a
# second run measures the same data. The app runs Release, Production, on 127.0.0.1; it is stopped on exit, also on
# failure; PostgreSQL is left running. About 10 minutes the first time (seeding, marks, ~5,000 comments), then ~2.
set -euo pipefail

BENCH_NAME=report-cards
export BENCH_DB=${BENCH_DB:-lyceum_bench_reportcards}
export BENCH_STUDENTS=${BENCH_STUDENTS:-3000}
export BENCH_SCHOOLS=${BENCH_SCHOOLS:-1}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=${BENCH_RUNS:-3}
COMMENT_WORKERS=${BENCH_COMMENT_WORKERS:-4}
[[ $PROVIDER == PostgreSql ]] || die "the report-cards benchmark runs on PostgreSQL only"

bench_setup poppler-utils
TOKEN=$(sign_in "$ADMIN_EMAIL" "$ADMIN_PASSWORD")
export BASE TOKEN

# api METHOD PATH [BODY]: the response body; dies on a status of 400 or more.
api() {
    local out status args=(-sS --max-time 120 -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -w '\n%{http_code}')
    if [[ $# -ge 3 ]]; then args+=(--data-binary "$3"); fi
    out=$(curl "${args[@]}" "$BASE/api/v1$2") || die "$1 $2: no answer"
    status=${out##*$'\n'}
    [[ $status -lt 400 ]] || die "$1 $2: $status ${out%$'\n'*}"
    printf '%s' "${out%$'\n'*}"
}

# --- 6. What is printed: the school's current term and its largest year group -------------------------------------
SCHOOL=$(db_query 'SELECT "Id" FROM "Schools" ORDER BY "Id" LIMIT 1')
ZONE=$(db_query "SELECT \"TimeZone\" FROM \"Schools\" WHERE \"Id\" = $SCHOOL")
TODAY=$(TZ=$ZONE date +%F)
TERM=$(db_query "SELECT t.\"Id\" FROM \"Terms\" t JOIN \"AcademicYears\" y ON y.\"Id\" = t.\"AcademicYearId\"
    WHERE y.\"SchoolId\" = $SCHOOL AND t.\"StartDate\" <= DATE '$TODAY' ORDER BY t.\"StartDate\" DESC LIMIT 1")
[[ -n $TERM ]] || die "no term of school $SCHOOL has begun by $TODAY"
read -r TERM_START TERM_END <<<"$(db_query "SELECT \"StartDate\", \"EndDate\" FROM \"Terms\" WHERE \"Id\" = $TERM" | tr '|' ' ')"
YEAR=$(db_query "SELECT \"YearGroup\" FROM \"Students\" WHERE \"SchoolId\" = $SCHOOL AND \"ArchivedAt\" IS NULL
    GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
STUDENTS_IN_YEAR=$(db_query "SELECT count(*) FROM \"Students\" WHERE \"SchoolId\" = $SCHOOL AND \"ArchivedAt\" IS NULL AND \"YearGroup\" = $YEAR")
mapfile -t SECTIONS < <(db_query "SELECT DISTINCT s.\"Id\" FROM \"Sections\" s JOIN \"Enrollments\" e ON e.\"SectionId\" = s.\"Id\"
    JOIN \"Students\" st ON st.\"Id\" = e.\"StudentId\"
    WHERE s.\"TermId\" = $TERM AND st.\"YearGroup\" = $YEAR AND st.\"SchoolId\" = $SCHOOL ORDER BY 1")
log "school $SCHOOL, term $TERM ($TERM_START to $TERM_END, today $TODAY), year $YEAR: $STUDENTS_IN_YEAR students in ${#SECTIONS[@]} sections"

# --- 7. Marks and comments through the API, once -------------------------------------------------------------------
# Five assessments on school days of the term so far, every enrolled student marked (points from the student's and the
# assessment's ids, 45–100% of the maximum, so grades spread over the scale), and one comment of ~280 characters per
# student and section: a report card with full content.
day_in_term() { date -d "$TERM_START + $1 days" +%F; }
COMMENT="Works steadily and takes part willingly in class discussion. Homework is handed in on time and is usually careful; \
the last test showed good progress on the harder questions. Next term the aim is to check answers more thoroughly and to \
explain each step of the reasoning in writing."
marked=0 commented=0
for section in "${SECTIONS[@]}"; do
    book=$(api GET "/sections/$section/gradebook")
    if [[ $(jq '.categories | length' <<<"$book") -gt 0 ]]; then
        continue
    fi
    tests=$(api POST "/sections/$section/grade-categories" '{"name":"Tests","weight":60}' | jq '.id')
    homework=$(api POST "/sections/$section/grade-categories" '{"name":"Homework","weight":40}' | jq '.id')
    assessments=()
    for spec in "$tests Test-1 50 3" "$homework Homework-1 10 6" "$tests Test-2 50 10" "$homework Homework-2 10 13" "$homework Homework-3 10 17"; do
        read -r category title max offset <<<"$spec"
        id=$(api POST "/sections/$section/assessments" \
            "$(jq -cn --arg t "${title/-/ }" --arg d "$(day_in_term "$offset")" --argjson m "$max" --argjson c "$category" \
                '{title: $t, date: $d, maxPoints: $m, categoryId: $c}')" | jq '.id')
        assessments+=("{\"id\":$id,\"max\":$max}")
    done
    students=$(jq -c '[.students[].id]' <<<"$book")
    body=$(jq -cn --argjson s "$students" --argjson a "[$(IFS=,; echo "${assessments[*]}")]" \
        '{marks: [$a[] as $x | $s[] as $id | {assessmentId: $x.id, studentId: $id, points: (((($id * 37 + $x.id * 11) % 56) + 45) * $x.max / 100 | floor)}]}')
    api PUT "/sections/$section/marks" "$body" >/dev/null
    marked=$((marked + 1))
    jq -r '.[]' <<<"$students" | xargs -P "$COMMENT_WORKERS" -I{} curl -fsS -o /dev/null --max-time 60 -X PUT \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        --data-binary "$(jq -cn --arg c "$COMMENT" '{comment: $c, version: null}')" "$BASE/api/v1/sections/$section/term-grades/{}" \
        || die "writing the comments of section $section failed"
    commented=$((commented + $(jq 'length' <<<"$students")))
done
log "marked $marked sections and wrote $commented comments now (sections already marked were left as they were)"
MARKS=$(db_query "SELECT count(*) FROM \"Marks\" m JOIN \"Assessments\" a ON a.\"Id\" = m.\"AssessmentId\" WHERE a.\"TermId\" = $TERM")
COMMENTS=$(db_query "SELECT count(*) FROM \"TermGrades\" g JOIN \"Sections\" s ON s.\"Id\" = g.\"SectionId\" WHERE s.\"TermId\" = $TERM AND g.\"Comment\" IS NOT NULL")
ATTENDANCE=$(db_query "SELECT count(*) FROM \"AttendanceMarks\" m JOIN \"Students\" st ON st.\"Id\" = m.\"StudentId\"
    WHERE st.\"YearGroup\" = $YEAR AND st.\"SchoolId\" = $SCHOOL AND m.\"Date\" BETWEEN DATE '$TERM_START' AND DATE '$TERM_END'")
psql_admin -d "$DB_NAME" -c 'VACUUM (ANALYZE)' >/dev/null

# --- 8. Runs --------------------------------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS_DIR/report-cards-$STAMP.txt
raw_header "bench/report-cards.sh $STAMP"
{
    echo "database $DB_NAME: $STUDENTS students in $SCHOOLS school(s); printed: school $SCHOOL, term $TERM ($TERM_START to $TERM_END), year $YEAR"
    echo "year $YEAR: $STUDENTS_IN_YEAR students in ${#SECTIONS[@]} sections; the term's marks: $MARKS; comments: $COMMENTS; the year's attendance marks in the term: $ATTENDANCE"
    echo "caller: administrator $ADMIN_EMAIL; memory: the app's VmHWM (peak RSS) from /proc/$APP_PID/status, reset with 'echo 5 > /proc/$APP_PID/clear_refs' before each request"
} >>"$RAW"
wait_quiet

kb() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$APP_PID/status"; }
FORM=$(db_query "SELECT \"FormGroup\" FROM \"Students\" WHERE \"SchoolId\" = $SCHOOL AND \"ArchivedAt\" IS NULL AND \"YearGroup\" = $YEAR
    AND \"FormGroup\" IS NOT NULL GROUP BY 1 ORDER BY 1 LIMIT 1")
STUDENTS_IN_FORM=$(db_query "SELECT count(*) FROM \"Students\" WHERE \"SchoolId\" = $SCHOOL AND \"ArchivedAt\" IS NULL AND \"FormGroup\" = '$FORM'")
declare -a LINES
# The year group BENCH_RUNS times, then one form of it once: how time and memory grow with the students printed.
for run in $(seq 1 "$((RUNS + 1))"); do
    if ((run <= RUNS)); then
        URL="$BASE/api/v1/report-cards?termId=$TERM&schoolId=$SCHOOL&yearGroup=$YEAR" what="year $YEAR ($STUDENTS_IN_YEAR students)"
    else
        URL="$BASE/api/v1/report-cards?termId=$TERM&schoolId=$SCHOOL&yearGroup=$YEAR&formGroup=$FORM" what="form $FORM ($STUDENTS_IN_FORM students)"
        cp "$WORK/cards.pdf" "$WORK/year.pdf"
    fi
    settle
    rss_before=$(kb VmRSS)
    echo 5 >"/proc/$APP_PID/clear_refs"
    cpu_snapshot "$WORK/cpu.before"
    timing=$(curl -sS --max-time 900 -H "Authorization: Bearer $TOKEN" -o "$WORK/cards.pdf" \
        -w '%{http_code} %{time_starttransfer} %{time_total} %{size_download}' "$URL") || die "run $run: the request failed"
    cpu_snapshot "$WORK/cpu.after"
    hwm=$(kb VmHWM)
    rss_after=$(kb VmRSS)
    read -r status first total bytes <<<"$timing"
    [[ $status == 200 ]] || die "run $run: status $status: $(head -c 400 "$WORK/cards.pdf")"
    pages=$(pdfinfo "$WORK/cards.pdf" | awk '/^Pages:/ { print $2 }')
    cpu=$(awk -v hz="$HZ" 'FNR == NR { b[$1] = $2; next } { a[$1] = $2 } END {
        pg = 0; for (k in a) if (k ~ /^pg:/) pg += a[k] - (k in b ? b[k] : 0)
        printf "app_cpu_s=%.1f pg_cpu_s=%.1f", (a["app"] - b["app"]) / hz, pg / hz }' "$WORK/cpu.before" "$WORK/cpu.after")
    line="run=$run printed=\"$what\" seconds_first_byte=$first seconds_total=$total bytes=$bytes pages=$pages rss_before_mb=$((rss_before / 1024)) peak_rss_mb=$((hwm / 1024)) rss_after_mb=$((rss_after / 1024)) $cpu"
    LINES+=("$line")
    echo "$line" >>"$RAW"
    log "$line"
done

# Every student of the year group is in the PDF (the last year-group run's), by student number.
pdftotext -layout "$WORK/year.pdf" "$WORK/cards.txt"
missing=0
while read -r number; do grep -qF "$number" "$WORK/cards.txt" || missing=$((missing + 1)); done \
    < <(db_query "SELECT \"StudentNumber\" FROM \"Students\" WHERE \"SchoolId\" = $SCHOOL AND \"ArchivedAt\" IS NULL AND \"YearGroup\" = $YEAR")
echo "students of year $YEAR missing from the PDF: $missing of $STUDENTS_IN_YEAR" >>"$RAW"
[[ $missing == 0 ]] || die "$missing students of year $YEAR are not in the PDF"
cp "$WORK/year.pdf" "$RESULTS_DIR/report-cards-$STAMP.pdf"

# One student: report card and transcript, 10 each (after one untimed request of each).
STUDENT=$(db_query "SELECT \"Id\" FROM \"Students\" WHERE \"SchoolId\" = $SCHOOL AND \"ArchivedAt\" IS NULL AND \"YearGroup\" = $YEAR ORDER BY \"Id\" LIMIT 1")
one() {
    local path=$1 times=()
    curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "$BASE/api/v1$path" || die "GET $path failed"
    for _ in $(seq 1 10); do
        times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1$path")")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk -v p="$path" '{ t[NR] = $1 } END { printf "%s: median %.3f s, max %.3f s (10 requests)\n", p, t[int((NR + 1) / 2)], t[NR] }'
}
{
    one "/students/$STUDENT/report-card?termId=$TERM"
    one "/students/$STUDENT/transcript"
} | tee -a "$RAW" >&2
app_log_summary

echo
echo "Raw output: $RAW"
printf '%s\n' "${LINES[@]}"
