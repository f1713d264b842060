#!/usr/bin/env bash
# Every figure in BENCHMARKS.md, in one invocation, as ratios measured back
# to back on this machine:
#
#   1. booking throughput on PostgreSQL (rosterload flash-sale, 16 clients,
#      a free date of far more seats than attempts) ÷ pgbench running the
#      same three statements on roster's real tables, 16 clients: once in
#      the naive order (the seat update first), once with the update last
#      as roster orders it (the realistic ceiling: real email sizes), and
#      once lean (update last, small rows: issue 18's ceiling), with the
#      booking p99;
#   2. event page requests/s ÷ /healthz requests/s (32 clients), with p99;
#   3. outbox drain to a local SMTP sink (rosterload mail);
#   4. roster serve's resident memory: idle after start, and its peak;
#   5. the same flash sale on SQLite ÷ the lean ceiling on SQLite (rosterload
#      ceiling: the same three statements from one Go process, on a file of
#      its own), and on two roster serve replicas sharing one PostgreSQL
#      database ÷ the single server's figure (then roster check must pass).
#
# It builds roster and rosterload, creates its own databases on the local
# PostgreSQL (127.0.0.1:5432, user postgres, trust), starts the servers on
# free loopback ports, runs ROUNDS rounds, stops everything, drops the
# databases and prints one JSON object: each round and the median of each
# figure. Every request goes to 127.0.0.1; every phase is bounded in time.
#
#   bash bench/run.sh > bench.json          # about five minutes
#   ROUNDS=1 SALE_ATTEMPTS=1000 bash bench/run.sh
#
# Needs go, psql, createdb, dropdb, pgbench and jq. Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
SALE_CLIENTS=${SALE_CLIENTS:-16}
SALE_ATTEMPTS=${SALE_ATTEMPTS:-3000}
SALE_CAPACITY=${SALE_CAPACITY:-100000}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-10}
BROWSE_CLIENTS=${BROWSE_CLIENTS:-32}
BROWSE_SECONDS=${BROWSE_SECONDS:-10}
MAIL_MESSAGES=${MAIL_MESSAGES:-2000}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER

pgbench=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
for tool in go psql createdb dropdb jq "$pgbench"; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool not found" >&2; exit 1; }
done

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

work=$(mktemp -d /tmp/roster-bench.XXXXXX)
prefix="rbench_$(date +%s)_$$"
pids=()
dbs=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${dbs[@]}"; do dropdb --if-exists --force "$db" 2>/dev/null || true; done
}
trap cleanup EXIT

pgurl() { echo "postgres://${PGUSER}@${PGHOST}:${PGPORT}/$1?sslmode=disable"; }
newdb() { createdb "$1"; dbs+=("$1"); }

say "building roster and rosterload into $work"
go build -o "$work/roster" ./cmd/roster
go build -o "$work/rosterload" ./cmd/rosterload
roster="$work/roster"
load="$work/rosterload"

# start_server NAME DATABASE_URL [flags...]: starts roster serve on a free
# loopback port and sets SERVER_PID and SERVER_BASE.
start_server() {
  local name=$1 url=$2
  shift 2
  "$roster" serve --addr 127.0.0.1:0 --base-url http://127.0.0.1 --database-url "$url" \
    --bookings-per-minute 0 --holds-per-address 0 "$@" >"$work/$name.out" 2>"$work/$name.log" &
  SERVER_PID=$!
  pids+=("$SERVER_PID")
  local addr=""
  for _ in $(seq 1 300); do
    addr=$(grep -o '"msg":"listening","addr":"[^"]*"' "$work/$name.log" | head -1 | sed 's/.*"addr":"\([^"]*\)"/\1/' || true)
    [ -n "$addr" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$addr" ] || { echo "roster serve ($name) did not start" >&2; cat "$work/$name.log" >&2; exit 1; }
  SERVER_BASE="http://$addr"
  say "$name: roster serve pid $SERVER_PID at $SERVER_BASE"
}

# kib PID FIELD: a line of /proc/PID/status (VmRSS, VmHWM) in KiB.
kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# prepare DATABASE_URL: the demo (coaches James and Parveen, the Career
# Clarity Lab) and an API token of James's, printed.
prepare() {
  "$roster" demo --database-url "$1" >/dev/null 2>&1
  "$roster" token create --coach james@example.com --database-url "$1" 2>/dev/null
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

say "machine: $(nproc) CPUs, load $(loadavg)"
app_db="${prefix}_app"; newdb "$app_db"
pgb_db="${prefix}_pgbench"; newdb "$pgb_db"
mail_db="${prefix}_mail"; newdb "$mail_db"
two_db="${prefix}_two"; newdb "$two_db"
sqlite_file="$work/roster.db"
ceiling_file="$work/ceiling.db"

# pgbench books on a date of its own in a migrated database of its own.
"$roster" migrate --database-url "$(pgurl "$pgb_db")" >/dev/null 2>&1
sid=$(psql -d "$pgb_db" -qAt -f bench/pgbench_setup.sql | tail -1)
eid=$(psql -d "$pgb_db" -qAt -c "SELECT event_id FROM sessions WHERE id = $sid")

app_token=$(prepare "$(pgurl "$app_db")")
sqlite_token=$(prepare "$sqlite_file")
two_token=$(prepare "$(pgurl "$two_db")")

start_server app "$(pgurl "$app_db")"
app_pid=$SERVER_PID app_base=$SERVER_BASE
start_server sqlite "$sqlite_file"
sqlite_pid=$SERVER_PID sqlite_base=$SERVER_BASE
start_server replica1 "$(pgurl "$two_db")"
rep1_pid=$SERVER_PID rep1_base=$SERVER_BASE
start_server replica2 "$(pgurl "$two_db")"
rep2_pid=$SERVER_PID rep2_base=$SERVER_BASE

slug=$(curl -sf "$app_base/api/v1/events" | jq -r '.[0].slug')
sleep 2 # let start-up garbage be collected before reading the idle size
idle_rss=$(kib "$app_pid" VmRSS)
say "idle: VmRSS ${idle_rss} KiB; browsing /events/$slug"

sale() { # sale BASE TOKEN [flags...]
  local base=$1 token=$2
  shift 2
  ROSTER_TOKEN=$token "$load" flash-sale --base "$base" --clients "$SALE_CLIENTS" \
    --capacity "$SALE_CAPACITY" --attempts "$SALE_ATTEMPTS" "$@"
}

rounds="$work/rounds.jsonl"
: >"$rounds"
for round in $(seq 1 "$ROUNDS"); do
  load_before=$(loadavg)
  say "round $round/$ROUNDS: flash sale on PostgreSQL, then pgbench (load $load_before)"
  sale "$app_base" "$app_token" >"$work/sale-pg-$round.json"
  "$pgbench" -n -f bench/pgbench_booking.sql -D sid="$sid" -D eid="$eid" -c "$SALE_CLIENTS" -j 2 \
    -T "$PGBENCH_SECONDS" "$pgb_db" >"$work/pgbench-$round.txt" 2>&1
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench-$round.txt")
  "$pgbench" -n -f bench/pgbench_booking_update_last.sql -D sid="$sid" -D eid="$eid" -c "$SALE_CLIENTS" -j 2 \
    -T "$PGBENCH_SECONDS" "$pgb_db" >"$work/pgbench-last-$round.txt" 2>&1
  tps_last=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench-last-$round.txt")
  "$pgbench" -n -f bench/pgbench_booking_lean.sql -D sid="$sid" -D eid="$eid" -c "$SALE_CLIENTS" -j 2 \
    -T "$PGBENCH_SECONDS" "$pgb_db" >"$work/pgbench-lean-$round.txt" 2>&1
  tps_lean=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench-lean-$round.txt")

  say "round $round: event page vs /healthz"
  "$load" browse --base "$app_base" --clients "$BROWSE_CLIENTS" --duration "${BROWSE_SECONDS}s" \
    --path "/events/$slug" --compare /healthz >"$work/browse-$round.json"

  say "round $round: outbox drain"
  "$load" mail --database-url "$(pgurl "$mail_db")" -n "$MAIL_MESSAGES" >"$work/mail-$round.json"

  say "round $round: flash sale on SQLite, then on two replicas"
  sale "$sqlite_base" "$sqlite_token" >"$work/sale-sqlite-$round.json"
  "$load" ceiling --database-url "$ceiling_file" --clients "$SALE_CLIENTS" --duration "${PGBENCH_SECONDS}s" \
    >"$work/ceiling-sqlite-$round.json"
  sale "$rep1_base" "$two_token" --replica "$rep2_base" >"$work/sale-two-$round.json"
  if "$roster" check --database-url "$(pgurl "$two_db")" >"$work/check-$round.txt" 2>&1; then check=true; else check=false; fi

  jq -cn --arg round "$round" --arg load_before "$load_before" --arg load_after "$(loadavg)" \
    --argjson tps "${tps:-0}" --argjson tps_last "${tps_last:-0}" --argjson tps_lean "${tps_lean:-0}" \
    --argjson check "$check" --slurpfile ceiling "$work/ceiling-sqlite-$round.json" \
    --slurpfile pg "$work/sale-pg-$round.json" --slurpfile browse "$work/browse-$round.json" \
    --slurpfile mail "$work/mail-$round.json" --slurpfile lite "$work/sale-sqlite-$round.json" \
    --slurpfile two "$work/sale-two-$round.json" '
    def r3: . * 1000 | round / 1000;
    {round: ($round | tonumber), load_average: {before: $load_before, after: $load_after},
     booking: {roster_per_sec: $pg[0].results.bookings_per_sec, pgbench_tps: ($tps | r3),
               ratio: ($pg[0].results.bookings_per_sec / $tps | r3),
               pgbench_update_last_tps: ($tps_last | r3),
               ratio_update_last: ($pg[0].results.bookings_per_sec / $tps_last | r3),
               pgbench_lean_tps: ($tps_lean | r3),
               ratio_lean: ($pg[0].results.bookings_per_sec / $tps_lean | r3),
               p50_ms: $pg[0].results.latency.p50_ms, p99_ms: $pg[0].results.latency.p99_ms,
               verified: $pg[0].results.verified},
     page: {event_page_per_sec: $browse[0].results.primary.requests_per_sec,
            healthz_per_sec: $browse[0].results.compare.requests_per_sec,
            ratio: $browse[0].results.ratio, p99_ms: $browse[0].results.primary.latency.p99_ms,
            healthz_p99_ms: $browse[0].results.compare.latency.p99_ms,
            status: $browse[0].results.primary.status},
     mail: {messages_per_sec: $mail[0].results.messages_per_sec, verified: $mail[0].results.verified},
     sqlite_booking: {per_sec: $lite[0].results.bookings_per_sec, p99_ms: $lite[0].results.latency.p99_ms,
                      lean_ceiling_tps: $ceiling[0].results.transactions_per_sec,
                      ratio_lean: ($lite[0].results.bookings_per_sec / $ceiling[0].results.transactions_per_sec | r3),
                      verified: $lite[0].results.verified},
     two_replicas: {per_sec: $two[0].results.bookings_per_sec, p99_ms: $two[0].results.latency.p99_ms,
                    ratio_single: ($two[0].results.bookings_per_sec / $pg[0].results.bookings_per_sec | r3),
                    booked_by_server: $two[0].results.booked_by_server,
                    verified: $two[0].results.verified, roster_check_ok: $check}}' >>"$rounds"
  tail -1 "$rounds" | jq -c '{round, booking_lean: .booking.ratio_lean, booking_realistic: .booking.ratio_update_last,
    booking_p99_ms: .booking.p99_ms, sqlite_lean: .sqlite_booking.ratio_lean, two_replicas: .two_replicas.ratio_single,
    page: .page.ratio, page_p99_ms: .page.p99_ms, mail: .mail.messages_per_sec}' >&2
done

peak_rss=$(kib "$app_pid" VmHWM)
say "peak: VmHWM ${peak_rss} KiB"

jq -s --arg nproc "$(nproc)" --arg mem "$(awk '/MemTotal/ {print $2}' /proc/meminfo)" \
  --arg go "$(go version)" --arg pg "$(psql -d "$app_db" -qAt -c 'SHOW server_version')" \
  --argjson idle "$idle_rss" --argjson peak "$peak_rss" \
  --argjson sqlite_peak "$(kib "$sqlite_pid" VmHWM)" \
  --argjson rep1_peak "$(kib "$rep1_pid" VmHWM)" --argjson rep2_peak "$(kib "$rep2_pid" VmHWM)" \
  --arg sale "$SALE_ATTEMPTS attempts, $SALE_CLIENTS clients, capacity $SALE_CAPACITY" '
  def median: sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;
  {machine: {cpus: ($nproc | tonumber), memory_kib: ($mem | tonumber), go: $go, postgres: $pg},
   flash_sale: $sale,
   median: {
     booking_ratio_lean: (map(.booking.ratio_lean) | median),
     booking_ratio_realistic: (map(.booking.ratio_update_last) | median),
     pgbench_lean_tps: (map(.booking.pgbench_lean_tps) | median),
     booking_ratio: (map(.booking.ratio) | median),
     booking_per_sec: (map(.booking.roster_per_sec) | median),
     pgbench_tps: (map(.booking.pgbench_tps) | median),
     booking_ratio_update_last: (map(.booking.ratio_update_last) | median),
     pgbench_update_last_tps: (map(.booking.pgbench_update_last_tps) | median),
     booking_p99_ms: (map(.booking.p99_ms) | median),
     page_ratio: (map(.page.ratio) | median),
     page_per_sec: (map(.page.event_page_per_sec) | median),
     healthz_per_sec: (map(.page.healthz_per_sec) | median),
     page_p99_ms: (map(.page.p99_ms) | median),
     mail_per_sec: (map(.mail.messages_per_sec) | median),
     sqlite_booking_per_sec: (map(.sqlite_booking.per_sec) | median),
     sqlite_booking_p99_ms: (map(.sqlite_booking.p99_ms) | median),
     sqlite_lean_ceiling_tps: (map(.sqlite_booking.lean_ceiling_tps) | median),
     sqlite_ratio_lean: (map(.sqlite_booking.ratio_lean) | median),
     two_replicas_booking_per_sec: (map(.two_replicas.per_sec) | median),
     two_replicas_p99_ms: (map(.two_replicas.p99_ms) | median),
     two_replicas_ratio_single: (map(.two_replicas.ratio_single) | median)},
   rss_kib: {idle: $idle, peak: $peak, sqlite_server_peak: $sqlite_peak,
             replica_peaks: [$rep1_peak, $rep2_peak]},
   all_verified: (all(.[]; .booking.verified and .mail.verified and .sqlite_booking.verified
                       and .two_replicas.verified and .two_replicas.roster_check_ok)),
   rounds: .}' "$rounds"
say "raw reports kept in $work"
