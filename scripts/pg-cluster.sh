#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for Cachet's integration tests: one primary and two physical streaming
# replicas on their own ports, all under one directory that `down` removes.
#
#   scripts/pg-cluster.sh up | down | status | env
#   scripts/pg-cluster.sh pause-replay N | resume-replay N      N = 1 or 2 (replica), or any node 0..2
#   scripts/pg-cluster.sh stop-replica N | start-replica N
#   scripts/pg-cluster.sh stop-primary [immediate|fast]      stops whichever node is primary now
#   scripts/pg-cluster.sh promote N                          promotes node N, waits until it accepts writes
#   scripts/pg-cluster.sh follow N M                         node N (a standby) streams from node M from now on
#   scripts/pg-cluster.sh psql NODE [psql arguments]         NODE = 0..2, primary, replica1, replica2
#
# Node 0 starts as the primary, nodes 1 and 2 as its replicas. Ports are base, base+1, base+2.
# Environment:
#   CACHET_PG_PORT   base port (default 25432, below the ephemeral range; the machine's own 5432 is refused)
#   CACHET_PG_DIR    where data, sockets and logs live (default /tmp/cachet-pg-<base port>)
#   CACHET_PG_NAME   cluster_name prefix shown in ps and pg_stat_replication (default cachet)
#   CACHET_PG_BIN    PostgreSQL's bin directory (default: newest /usr/lib/postgresql/*/bin)
set -euo pipefail

BASE_PORT="${CACHET_PG_PORT:-25432}"
NAME="${CACHET_PG_NAME:-cachet}"
DIR="${CACHET_PG_DIR:-/tmp/cachet-pg-${BASE_PORT}}"
NODES=(0 1 2)
HOST=127.0.0.1
DB_USER=postgres
WAIT_SECONDS="${CACHET_PG_WAIT:-60}"

die() { echo "pg-cluster: $*" >&2; exit 1; }
log() { echo "pg-cluster: $*" >&2; }

[[ "$BASE_PORT" =~ ^[0-9]+$ ]] || die "CACHET_PG_PORT must be a number, got '$BASE_PORT'"
for n in "${NODES[@]}"; do
  if (( BASE_PORT + n == 5432 )); then
    die "refusing port 5432: it belongs to the machine's own server (set CACHET_PG_PORT to another base port)"
  fi
done
(( BASE_PORT > 1024 && BASE_PORT + 2 < 65536 )) || die "CACHET_PG_PORT out of range: $BASE_PORT"

find_bin() {
  if [[ -n "${CACHET_PG_BIN:-}" ]]; then
    echo "$CACHET_PG_BIN"
    return
  fi
  local candidate best=""
  for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" && -x "$candidate/pg_basebackup" ]] && best="$candidate"
  done
  if [[ -z "$best" ]] && command -v initdb >/dev/null 2>&1; then
    best="$(dirname "$(command -v initdb)")"
  fi
  echo "$best"
}

require_binaries() {
  BIN="$(find_bin)"
  if [[ -z "$BIN" || ! -x "$BIN/pg_ctl" || ! -x "$BIN/psql" ]]; then
    die "PostgreSQL server binaries not found (initdb, pg_ctl, pg_basebackup, psql).
  Debian/Ubuntu: apt-get install postgresql postgresql-contrib
  or set CACHET_PG_BIN to the directory holding them."
  fi
  local libdir
  libdir="$("$BIN/pg_config" --pkglibdir 2>/dev/null || echo "$BIN/../lib")"
  if [[ ! -e "$libdir/pg_stat_statements.so" ]]; then
    die "pg_stat_statements not found in $libdir.
  Debian/Ubuntu: apt-get install postgresql-contrib"
  fi
}

# initdb refuses to run as root; as root every server command runs as the postgres account.
as_owner() {
  if (( EUID == 0 )); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_of() { echo $(( BASE_PORT + $1 )); }
data_of() { echo "$DIR/node$1"; }

node_index() {
  case "$1" in
    0|primary|node0) echo 0 ;;
    1|replica1|node1) echo 1 ;;
    2|replica2|node2) echo 2 ;;
    *) die "unknown node '$1' (use 0, 1, 2, primary, replica1 or replica2)" ;;
  esac
}

q() { # q NODE SQL: one value, unaligned, from node NODE
  "$BIN/psql" -X -q -h "$HOST" -p "$(port_of "$1")" -U "$DB_USER" -d postgres -At -v ON_ERROR_STOP=1 -c "$2"
}

is_running() {
  local pidfile pid
  pidfile="$(data_of "$1")/postmaster.pid"
  [[ -f "$pidfile" ]] || return 1
  pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

is_primary() { [[ "$(q "$1" 'SELECT pg_is_in_recovery()' 2>/dev/null || true)" == "f" ]]; }

current_primary() {
  local n
  for n in "${NODES[@]}"; do
    if is_running "$n" && is_primary "$n"; then echo "$n"; return 0; fi
  done
  return 1
}

wait_until() { # wait_until DESCRIPTION COMMAND...: polls with a deadline
  local what="$1" deadline=$(( SECONDS + WAIT_SECONDS ))
  shift
  until "$@"; do
    (( SECONDS < deadline )) || die "timed out after ${WAIT_SECONDS}s waiting for $what"
    sleep 0.1
  done
}

pg_ctl_node() { # pg_ctl_node NODE ACTION [ARGS]
  local n="$1" action="$2"
  shift 2
  as_owner "$BIN/pg_ctl" -D "$(data_of "$n")" -l "$DIR/node$n.log" "$action" "$@" >/dev/null
}

start_node() {
  local n="$1"
  is_running "$n" && return 0
  pg_ctl_node "$n" start -w -t "$WAIT_SECONDS" || { tail -n 20 "$DIR/node$n.log" >&2; die "node $n did not start"; }
}

write_node_conf() { # the settings that differ per node
  local n="$1" role="primary"
  (( n == 0 )) || role="replica$n"
  cat > "$(data_of "$n")/conf.d/node.conf" <<EOF
port = $(port_of "$n")
cluster_name = '${NAME}-${role}'
EOF
  chown_owner "$(data_of "$n")/conf.d/node.conf"
}

chown_owner() { if (( EUID == 0 )); then chown postgres:postgres "$@"; fi; }

cmd_up() {
  require_binaries
  if [[ -d "$DIR" ]]; then
    log "leftovers in $DIR: tearing them down first"
    cmd_down
  fi
  local start=$SECONDS n
  for n in "${NODES[@]}"; do
    if (echo >"/dev/tcp/$HOST/$(port_of "$n")") 2>/dev/null; then
      die "port $(port_of "$n") is already in use (set CACHET_PG_PORT to another base port)"
    fi
  done
  mkdir -p "$DIR"
  chmod 0755 "$DIR"
  chown_owner "$DIR"

  as_owner "$BIN/initdb" -D "$(data_of 0)" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null \
    || die "initdb failed"
  local data0
  data0="$(data_of 0)"
  mkdir -p "$data0/conf.d" "$DIR/sock"
  chown_owner "$data0/conf.d" "$DIR/sock"
  # Settings live in conf.d (copied to the replicas by pg_basebackup); only the port and name differ per node.
  echo "include_dir = 'conf.d'" >> "$data0/postgresql.conf"
  cat > "$data0/conf.d/cachet.conf" <<EOF
listen_addresses = '$HOST'
unix_socket_directories = '$DIR/sock'
max_connections = 100
shared_buffers = 32MB
wal_level = replica
hot_standby = on
max_wal_senders = 10
max_replication_slots = 10
wal_keep_size = '256MB'
wal_sender_timeout = '5s'
wal_receiver_timeout = '5s'
wal_receiver_status_interval = '1s'
wal_retrieve_retry_interval = '500ms'
hot_standby_feedback = on
synchronous_commit = on
fsync = off
full_page_writes = on
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
pg_stat_statements.max = 10000
log_min_messages = warning
password_encryption = 'scram-sha-256'
EOF
  # The superuser logs in without a password, as the machine's own server lets it; every other role needs its
  # password (scram-sha-256), so a connection opened with another role's credentials, or a wrong password, fails.
  cat > "$data0/pg_hba.conf" <<EOF
local all all trust
local replication all trust
host replication all $HOST/32 trust
host all $DB_USER $HOST/32 trust
host all all $HOST/32 scram-sha-256
EOF
  chown_owner "$data0/conf.d/cachet.conf" "$data0/pg_hba.conf"
  write_node_conf 0
  start_node 0
  q 0 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null
  "$BIN/psql" -X -q -h "$HOST" -p "$(port_of 0)" -U "$DB_USER" -d template1 -v ON_ERROR_STOP=1 \
    -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null

  local pids=()
  for n in 1 2; do
    as_owner "$BIN/pg_basebackup" -D "$(data_of "$n")" -R -X stream -c fast --no-sync \
      -d "host=$HOST port=$(port_of 0) user=$DB_USER application_name=${NAME}-replica$n" &
    pids+=("$!")
  done
  for n in "${pids[@]}"; do wait "$n" || die "pg_basebackup failed"; done
  for n in 1 2; do
    write_node_conf "$n"
    start_node "$n"
  done
  wait_until "both replicas to stream" replicas_streaming 0 2
  log "up in $(( SECONDS - start ))s: primary $HOST:$(port_of 0), replicas $HOST:$(port_of 1), $HOST:$(port_of 2)"
}

replicas_streaming() { # replicas_streaming PRIMARY COUNT
  [[ "$(q "$1" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" 2>/dev/null || echo 0)" -ge "$2" ]]
}

cmd_down() {
  local n pid
  BIN="$(find_bin)"
  for n in "${NODES[@]}"; do
    if is_running "$n"; then
      if [[ -n "$BIN" ]]; then
        pg_ctl_node "$n" stop -m immediate -w -t 20 2>/dev/null || true
      fi
      if is_running "$n"; then
        pid="$(head -n1 "$(data_of "$n")/postmaster.pid")"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  done
  if [[ -e "$DIR" ]]; then
    case "$DIR" in
      /|/tmp|/var|/home|/root|/usr|"$HOME") die "refusing to remove $DIR" ;;
    esac
    rm -rf -- "$DIR"
  fi
  log "down: nothing left under $DIR"
}

cmd_status() {
  require_binaries
  local n role detail
  printf '%-5s %-6s %-8s %-8s %-9s %s\n' node port state role timeline detail
  for n in "${NODES[@]}"; do
    if [[ ! -d "$(data_of "$n")" ]]; then
      printf '%-5s %-6s %-8s\n' "$n" "$(port_of "$n")" absent
      continue
    fi
    if ! is_running "$n"; then
      printf '%-5s %-6s %-8s\n' "$n" "$(port_of "$n")" stopped
      continue
    fi
    if is_primary "$n"; then
      role=primary
      detail="insert_lsn=$(q "$n" 'SELECT pg_current_wal_insert_lsn()') streaming=$(q "$n" "SELECT count(*) FROM pg_stat_replication WHERE state='streaming'")"
    else
      role=replica
      detail="replay_lsn=$(q "$n" 'SELECT pg_last_wal_replay_lsn()') receive_lsn=$(q "$n" 'SELECT pg_last_wal_receive_lsn()') replay=$(q "$n" 'SELECT pg_get_wal_replay_pause_state()')"
    fi
    printf '%-5s %-6s %-8s %-8s %-9s %s\n' "$n" "$(port_of "$n")" running "$role" \
      "$(q "$n" 'SELECT timeline_id FROM pg_control_checkpoint()')" "$detail"
  done
}

cmd_env() {
  local replicas="" n
  for n in 1 2; do replicas+="${replicas:+,}$HOST:$(port_of "$n")"; done
  cat <<EOF
CACHET_PG_PRIMARY=$HOST:$(port_of 0)
CACHET_PG_REPLICAS=$replicas
CACHET_PG_USER=$DB_USER
CACHET_PG_DATABASE=postgres
CACHET_PG_DIR=$DIR
CACHET_PG_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
CACHET_PG_PORT=$BASE_PORT
EOF
}

need_running() { is_running "$1" || die "node $1 is not running"; }

cmd_pause_replay() {
  local n
  n="$(node_index "$1")"
  need_running "$n"
  is_primary "$n" && die "node $n is a primary: it replays nothing"
  q "$n" 'SELECT pg_wal_replay_pause()' >/dev/null
  wait_until "replay to pause on node $n" replay_state_is "$n" paused
  log "replay paused on node $n at $(q "$n" 'SELECT pg_last_wal_replay_lsn()')"
}

replay_state_is() { [[ "$(q "$1" 'SELECT pg_get_wal_replay_pause_state()' 2>/dev/null || true)" == "$2" ]]; }

cmd_resume_replay() {
  local n
  n="$(node_index "$1")"
  need_running "$n"
  is_primary "$n" && die "node $n is a primary: it replays nothing"
  q "$n" 'SELECT pg_wal_replay_resume()' >/dev/null
  wait_until "replay to resume on node $n" replay_state_is "$n" 'not paused'
  log "replay resumed on node $n"
}

cmd_stop_replica() {
  local n
  n="$(node_index "$1")"
  if ! is_running "$n"; then log "node $n already stopped"; return 0; fi
  is_primary "$n" && die "node $n is the primary (use stop-primary)"
  pg_ctl_node "$n" stop -m fast -w -t "$WAIT_SECONDS"
  log "node $n stopped"
}

cmd_start_replica() {
  local n
  n="$(node_index "$1")"
  [[ -d "$(data_of "$n")" ]] || die "node $n does not exist (run up first)"
  start_node "$n"
  wait_until "node $n to accept connections" node_answers "$n"
  log "node $n started"
}

node_answers() { q "$1" 'SELECT 1' >/dev/null 2>&1; }

cmd_stop_primary() {
  local mode="${1:-immediate}" n
  [[ "$mode" == immediate || "$mode" == fast ]] || die "stop-primary accepts immediate or fast, got '$mode'"
  n="$(current_primary)" || die "no running primary"
  pg_ctl_node "$n" stop -m "$mode" -w -t "$WAIT_SECONDS"
  log "primary (node $n) stopped ($mode)"
}

cmd_promote() {
  local n
  n="$(node_index "$1")"
  need_running "$n"
  if is_primary "$n"; then log "node $n is already a primary"; return 0; fi
  # A paused standby cannot finish recovery; resuming first makes promote deterministic.
  replay_state_is "$n" 'not paused' || q "$n" 'SELECT pg_wal_replay_resume()' >/dev/null
  pg_ctl_node "$n" promote -w -t "$WAIT_SECONDS"
  wait_until "node $n to accept writes" is_primary "$n"
  # Promotion only requests the end-of-recovery checkpoint; taking it now makes pg_control_checkpoint() show the
  # new timeline at once instead of seconds later.
  q "$n" 'CHECKPOINT' >/dev/null
  log "node $n promoted: timeline $(q "$n" 'SELECT timeline_id FROM pg_control_checkpoint()')"
}

cmd_follow() {
  local n m
  n="$(node_index "$1")"
  m="$(node_index "$2")"
  need_running "$n"
  is_primary "$n" && die "node $n is a primary; only a standby can follow another node"
  q "$n" "ALTER SYSTEM SET primary_conninfo = 'host=$HOST port=$(port_of "$m") user=$DB_USER application_name=${NAME}-replica$n'" >/dev/null
  q "$n" 'SELECT pg_reload_conf()' >/dev/null
  log "node $n now streams from node $m"
}

cmd_psql() {
  local n
  n="$(node_index "$1")"
  shift
  exec "$BIN/psql" -X -h "$HOST" -p "$(port_of "$n")" -U "$DB_USER" -d postgres "$@"
}

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
  exit "${1:-2}"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    pause-replay) [[ $# -eq 1 ]] || usage; require_binaries; cmd_pause_replay "$1" ;;
    resume-replay) [[ $# -eq 1 ]] || usage; require_binaries; cmd_resume_replay "$1" ;;
    stop-replica) [[ $# -eq 1 ]] || usage; require_binaries; cmd_stop_replica "$1" ;;
    start-replica) [[ $# -eq 1 ]] || usage; require_binaries; cmd_start_replica "$1" ;;
    stop-primary) require_binaries; cmd_stop_primary "$@" ;;
    promote) [[ $# -eq 1 ]] || usage; require_binaries; cmd_promote "$1" ;;
    follow) [[ $# -eq 2 ]] || usage; require_binaries; cmd_follow "$1" "$2" ;;
    psql) [[ $# -ge 1 ]] || usage; require_binaries; cmd_psql "$@" ;;
    -h|--help|help) usage 0 ;;
    *) usage ;;
  esac
}

main "$@"
