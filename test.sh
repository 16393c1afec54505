#!/usr/bin/env bash
# Every test of Lyceum. Installs and starts what the tests need when it is missing and this runs as root
# (PostgreSQL, Redis, Chromium from Debian's packages), checks the build, style and migrations, runs the suite on
# SQLite and PostgreSQL, and ends with one line: "N passed, N failed, N skipped".
# With CI=true a service that cannot be had fails the run; it is never skipped.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CI=${CI:-false}
RESULTS="$ROOT/TestResults"
PG_USER=lyceum_test
PG_PASSWORD=lyceum_test
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\n== %s\n' "$*"; }
die() { echo "test.sh: $*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

install_packages() {
  local need=()
  for p in postgresql redis-server chromium fonts-dejavu-core; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done; command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || need+=(nodejs npm) # ical.js reads the iCal feeds back
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${need[*]} (run as root to install them)."
    return 0
  fi
  say "Installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
}

start_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  local ver
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -z "$ver" ]; then
    [ "$(id -u)" -eq 0 ] || return 1
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$ver" main >/dev/null
  fi
  pg_ctlcluster "$ver" main status >/dev/null 2>&1 || pg_ctlcluster "$ver" main start || return 1
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
  pg_isready -h 127.0.0.1 -q || return 1
  if [ "$(id -u)" -eq 0 ]; then
    # A role that may create the throw-away databases each test fixture makes.
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
        CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
      END IF; END \$\$;" >/dev/null || return 1
  fi
  PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -U $PG_USER -d postgres -tAc 'select 1' >/dev/null 2>&1
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || return 1
  redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

service_missing() {
  if [ "$CI" = "true" ]; then die "$1 is not available: CI needs it."; fi
  echo "WARNING: $1 is not available; the tests that need it will fail."
}

install_packages
start_postgres || service_missing "PostgreSQL"
start_redis || service_missing "Redis"
[ -x /usr/bin/chromium ] || service_missing "Chromium"
{ command -v node >/dev/null 2>&1 && npm ci --prefix tests/ical-check --no-audit --no-fund >/dev/null; } || service_missing "node with ical.js (npm ci --prefix tests/ical-check)"

export LYCEUM_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=$PG_USER;Password=$PG_PASSWORD;Database=postgres"
export LYCEUM_TEST_REDIS="127.0.0.1:6379"
export LYCEUM_TEST_CHROMIUM="/usr/bin/chromium"

say "Restore and build (warnings are errors)"
dotnet tool restore >/dev/null
dotnet build Lyceum.slnx -nologo -v q -clp:NoSummary || die "build failed"

say "Code style"
dotnet format Lyceum.slnx --verify-no-changes --no-restore || die "code style: run 'dotnet format Lyceum.slnx'"

say "Migrations match the model on both providers"
for provider in Sqlite PostgreSql; do
  dotnet ef migrations has-pending-model-changes --no-build \
    --project "src/Lyceum.Migrations.$provider" --startup-project src/Lyceum.Web \
    -- --Database:Provider=$provider >/dev/null \
    || die "the $provider migrations are behind the model: add a migration for both providers"
done

say "Tests (SQLite and PostgreSQL)"
rm -rf "$RESULTS"
set +e
dotnet test Lyceum.slnx --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$RESULTS"
status=$?
set -e

# One line CI can read, summed over every TRX file (plain shell: python may not be installed).
attr() { grep -o "$1=\"[0-9]*\"" <<<"$2" | grep -o '[0-9]*' || echo 0; }
passed=0 failed=0 skipped=0 files=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  passed=$((passed + $(attr passed "$counters")))
  for a in failed error timeout aborted; do failed=$((failed + $(attr "$a" "$counters"))); done
  for a in notExecuted inconclusive; do skipped=$((skipped + $(attr "$a" "$counters"))); done
done
# A crashed test host writes no counters: the run failed even if no test did.
if [ "$files" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then failed=$((failed + 1)); fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
