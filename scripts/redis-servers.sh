#!/usr/bin/env bash
# Throwaway Redis servers for Cachet's shared-tier integration tests, each on its own port and in its own
# directory under one root that `down` removes. Nothing is kept on disk (no RDB, no AOF).
#
#   scripts/redis-servers.sh up [standalone|tls|replication|cluster ...]   default: all four
#   scripts/redis-servers.sh down | status | env
#   scripts/redis-servers.sh kill NODE | stop NODE | start NODE       SIGKILL / clean shutdown / start again
#   scripts/redis-servers.sh failover NODE       CLUSTER FAILOVER on cluster replica NODE; waits until it is primary
#   scripts/redis-servers.sh crash-primary NODE  SIGKILLs cluster primary NODE; waits until its replica took over
#   scripts/redis-servers.sh node-of-key KEY     the cluster node that is primary for KEY's slot now
#   scripts/redis-servers.sh replica-of NODE     the cluster node that replicates primary NODE now
#   scripts/redis-servers.sh cli NODE [redis-cli arguments]
#
# Nodes (ports from the base, default 17379; 6379, the machine's own Redis, is refused):
#   standalone  base     ACL users: CACHET_REDIS_USER (all rights) and CACHET_REDIS_RESTRICTED_USER (reads,
#                        pub/sub, no writes: for refusal tests); the default user is off
#   tls         base+1   TLS only, certificates made here with openssl (CA in <dir>/tls/ca.crt); same users
#   primary     base+2   with replica1 (base+3) and replica2 (base+4): one primary, two replicas
#   cluster0-5  base+11 … base+16: Redis Cluster, 3 primaries and 3 replicas (cluster bus on port+10000)
# Every node has the same two ACL users; replication and the cluster authenticate as CACHET_REDIS_USER.
#
# Environment:
#   CACHET_REDIS_PORT   base port (default 17379)
#   CACHET_REDIS_DIR    where configuration, certificates and logs live (default /tmp/cachet-redis-<base port>)
#   CACHET_REDIS_WAIT   seconds to wait for a node or a failover (default 30)
#   CACHET_REDIS_CLI_SECONDS  seconds one redis-cli call of the script may take (default 10)
set -euo pipefail

BASE_PORT="${CACHET_REDIS_PORT:-17379}"
DIR="${CACHET_REDIS_DIR:-/tmp/cachet-redis-${BASE_PORT}}"
WAIT_SECONDS="${CACHET_REDIS_WAIT:-30}"
HOST=127.0.0.1
USER_NAME=cachet
USER_PASSWORD=cachet-secret-7f3a
RESTRICTED_NAME=cachet_reader
RESTRICTED_PASSWORD=reader-secret-41c9
CLUSTER_NODES=(cluster0 cluster1 cluster2 cluster3 cluster4 cluster5)
ALL_NODES=(standalone tls primary replica1 replica2 "${CLUSTER_NODES[@]}")

die() { echo "redis-servers: $*" >&2; exit 1; }
log() { echo "redis-servers: $*" >&2; }

[[ "$BASE_PORT" =~ ^[0-9]+$ ]] || die "CACHET_REDIS_PORT must be a number, got '$BASE_PORT'"
(( BASE_PORT > 1024 && BASE_PORT + 16 + 10000 < 65536 )) \
  || die "CACHET_REDIS_PORT out of range: $BASE_PORT (the cluster bus needs port+10000 below 65536)"

port_of() {
  case "$1" in
    standalone) echo "$BASE_PORT" ;;
    tls) echo $(( BASE_PORT + 1 )) ;;
    primary) echo $(( BASE_PORT + 2 )) ;;
    replica1) echo $(( BASE_PORT + 3 )) ;;
    replica2) echo $(( BASE_PORT + 4 )) ;;
    cluster[0-5]) echo $(( BASE_PORT + 11 + ${1#cluster} )) ;;
    *) die "unknown node '$1' (use ${ALL_NODES[*]})" ;;
  esac
}

for node in "${ALL_NODES[@]}"; do
  p="$(port_of "$node")"
  if (( p == 6379 || p + 10000 == 6379 )); then
    die "refusing port 6379: it belongs to the machine's own Redis (set CACHET_REDIS_PORT to another base port)"
  fi
done

require_binaries() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
  if (( ${#missing[@]} > 0 )); then
    die "missing: ${missing[*]}.
  Debian/Ubuntu: apt-get install redis-server redis-tools"
  fi
  command -v openssl >/dev/null 2>&1 || die "openssl not found (apt-get install openssl)"
  command -v timeout >/dev/null 2>&1 || die "timeout not found (GNU coreutils)"
}

node_dir() { echo "$DIR/$1"; }
pid_of() { cat "$(node_dir "$1")/redis.pid" 2>/dev/null || true; }

is_running() {
  local pid
  pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# A node that accepted a connection and then hangs must not hang the script (and the test waiting for it) past its
# own deadlines: every redis-cli the script runs is bounded, but for the cli command's (0: unbounded).
CLI_SECONDS="${CACHET_REDIS_CLI_SECONDS:-10}"
[[ "$CLI_SECONDS" =~ ^[0-9]+$ ]] || die "CACHET_REDIS_CLI_SECONDS must be a whole number of seconds, got '$CLI_SECONDS'"

cli() { # cli NODE ARGS...: redis-cli against NODE as the full-rights user
  local node="$1"
  shift
  local tls_args=()
  if [[ "$node" == tls ]]; then
    tls_args=(--tls --cacert "$DIR/tls/ca.crt")
  fi
  local bound=() # timeout would keep an interactive redis-cli from its terminal: none for the cli command
  if (( CLI_SECONDS > 0 )); then
    bound=(timeout "$CLI_SECONDS")
  fi
  local rc=0
  REDISCLI_AUTH="$USER_PASSWORD" "${bound[@]}" redis-cli "${tls_args[@]}" -h "$HOST" -p "$(port_of "$node")" \
    --user "$USER_NAME" --no-auth-warning "$@" || rc=$?
  if (( rc == 124 && CLI_SECONDS > 0 )); then
    echo "redis-servers: redis-cli $* on $node did not answer within ${CLI_SECONDS}s" >&2
  fi
  return "$rc"
}

answers() { [[ "$(cli "$1" PING 2>/dev/null || true)" == PONG ]]; }

wait_until() { # wait_until DESCRIPTION COMMAND...: polls with a deadline
  local what="$1" deadline=$(( SECONDS + WAIT_SECONDS ))
  shift
  until "$@"; do
    (( SECONDS < deadline )) || die "timed out after ${WAIT_SECONDS}s waiting for $what"
    sleep 0.1
  done
}

write_conf() { # write_conf NODE: the node's redis.conf
  local node="$1" dir port
  dir="$(node_dir "$node")"
  port="$(port_of "$node")"
  mkdir -p "$dir"
  {
    echo "bind $HOST"
    echo "protected-mode yes"
    echo "daemonize yes"
    echo "pidfile $dir/redis.pid"
    echo "logfile $dir/redis.log"
    echo "dir $dir"
    echo 'save ""'
    echo "appendonly no"
    echo "maxmemory 256mb"
    echo "maxmemory-policy volatile-lru"
    # ACL users: the default user is off, so every client must authenticate
    echo "user default off"
    echo "user $USER_NAME on >$USER_PASSWORD ~* &* +@all"
    echo "user $RESTRICTED_NAME on >$RESTRICTED_PASSWORD ~* &* +@read +@connection +@pubsub -@write -@scripting"
    if [[ "$node" == tls ]]; then
      echo "port 0"
      echo "tls-port $port"
      echo "tls-cert-file $DIR/tls/server.crt"
      echo "tls-key-file $DIR/tls/server.key"
      echo "tls-ca-cert-file $DIR/tls/ca.crt"
      echo "tls-auth-clients no"
    else
      echo "port $port"
    fi
    case "$node" in
      replica1|replica2)
        echo "replicaof $HOST $(port_of primary)"
        echo "masteruser $USER_NAME"
        echo "masterauth $USER_PASSWORD"
        ;;
      cluster*)
        echo "cluster-enabled yes"
        echo "cluster-config-file $dir/nodes.conf"
        echo "cluster-node-timeout 1000"
        # a replica takes over however long its primary was gone (the tests kill primaries on purpose)
        echo "cluster-replica-validity-factor 0"
        echo "masteruser $USER_NAME"
        echo "masterauth $USER_PASSWORD"
        ;;
    esac
  } > "$dir/redis.conf"
}

make_certificates() {
  local tls="$DIR/tls"
  mkdir -p "$tls"
  openssl req -x509 -new -nodes -newkey rsa:2048 -days 2 -subj "/CN=Cachet test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1 || die "openssl could not make the CA"
  openssl req -new -nodes -newkey rsa:2048 -subj "/CN=localhost" \
    -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1 || die "openssl could not make the server key"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$tls/san.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
    -extfile "$tls/san.ext" -out "$tls/server.crt" >/dev/null 2>&1 || die "openssl could not sign the server key"
  chmod 0644 "$tls/server.key"
}

start_node() {
  local node="$1"
  [[ -f "$(node_dir "$node")/redis.conf" ]] || die "node $node does not exist (run up first)"
  if ! is_running "$node"; then
    # The daemon must not keep descriptors it inherited (a caller's `flock` lock above all), or the lock
    # would outlive the script that took it.
    (
      for fd in /proc/$BASHPID/fd/*; do
        fd="${fd##*/}"
        (( fd > 2 )) && eval "exec $fd>&-"
      done
      exec redis-server "$(node_dir "$node")/redis.conf"
    ) || { tail -n 20 "$(node_dir "$node")/redis.log" >&2; die "$node did not start"; }
  fi
  # a daemonized server binds after it forked: a port taken meanwhile (by another server, or by an outgoing
  # connection when a base port puts the nodes in the kernel's ephemeral range) shows only in its log
  local deadline=$(( SECONDS + WAIT_SECONDS ))
  until answers "$node"; do
    if (( SECONDS >= deadline )); then
      tail -n 20 "$(node_dir "$node")/redis.log" >&2 || true
      die "timed out after ${WAIT_SECONDS}s waiting for $node to answer"
    fi
    sleep 0.1
  done
}

port_free() { ! (echo >"/dev/tcp/$HOST/$1") 2>/dev/null; }

check_ports() {
  local node
  for node in "$@"; do
    port_free "$(port_of "$node")" || die "port $(port_of "$node") ($node) is already in use (set CACHET_REDIS_PORT)"
  done
}

up_standalone() { check_ports standalone; write_conf standalone; start_node standalone; }

up_tls() {
  check_ports tls
  make_certificates
  write_conf tls
  start_node tls
}

replicas_online() { [[ "$(cli primary INFO replication | tr -d '\r' | grep -c '^slave[0-9]*:.*state=online')" -ge 2 ]]; }

up_replication() {
  check_ports primary replica1 replica2
  local node
  for node in primary replica1 replica2; do write_conf "$node"; done
  start_node primary
  start_node replica1
  start_node replica2
  wait_until "both replicas to be in sync" replicas_online
}

cluster_ok() { # cluster_ok NODE: NODE sees a healthy cluster with all slots served
  local info
  info="$(cli "$1" CLUSTER INFO 2>/dev/null | tr -d '\r' || true)"
  [[ "$info" == *"cluster_state:ok"* && "$info" == *"cluster_slots_ok:16384"* ]]
}

cluster_ok_everywhere() {
  local node
  for node in "${CLUSTER_NODES[@]}"; do
    is_running "$node" || continue
    cluster_ok "$node" || return 1
  done
}

up_cluster() {
  check_ports "${CLUSTER_NODES[@]}"
  local node seeds=()
  for node in "${CLUSTER_NODES[@]}"; do
    write_conf "$node"
    start_node "$node"
    seeds+=("$HOST:$(port_of "$node")")
  done
  REDISCLI_AUTH="$USER_PASSWORD" timeout $(( 2 * WAIT_SECONDS )) redis-cli --user "$USER_NAME" --no-auth-warning \
    --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/cluster-create.log" 2>&1 \
    || { cat "$DIR/cluster-create.log" >&2; die "redis-cli --cluster create failed"; }
  wait_until "the cluster to be ok on every node" cluster_ok_everywhere
  wait_until "three replicas to be in sync" cluster_replicas_synced 3
}

cluster_replicas_synced() { # cluster_replicas_synced N: N cluster replicas report their link to the primary up
  local node count=0
  for node in "${CLUSTER_NODES[@]}"; do
    is_running "$node" || continue
    if cli "$node" INFO replication 2>/dev/null | tr -d '\r' | grep -q '^master_link_status:up'; then
      count=$(( count + 1 ))
    fi
  done
  (( count >= $1 ))
}

cmd_up() {
  require_binaries
  local parts=("$@") part start=$SECONDS
  (( ${#parts[@]} > 0 )) || parts=(standalone tls replication cluster)
  if [[ -d "$DIR" ]]; then
    log "leftovers in $DIR: tearing them down first"
    cmd_down
  fi
  mkdir -p "$DIR"
  for part in "${parts[@]}"; do
    case "$part" in
      standalone) up_standalone ;;
      tls) up_tls ;;
      replication) up_replication ;;
      cluster) up_cluster ;;
      *) die "unknown part '$part' (use standalone, tls, replication or cluster)" ;;
    esac
  done
  log "up in $(( SECONDS - start ))s: ${parts[*]} under $DIR"
}

cmd_down() {
  local node pid deadline
  for node in "${ALL_NODES[@]}"; do
    pid="$(pid_of "$node")"
    [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  done
  # the pid files name exactly the servers this script started; wait until they are gone
  deadline=$(( SECONDS + 10 ))
  for node in "${ALL_NODES[@]}"; do
    while is_running "$node" && (( SECONDS < deadline )); do sleep 0.05; done
  done
  if [[ -e "$DIR" ]]; then
    case "$DIR" in
      /|/tmp|/var|/home|/root|/usr|"${HOME:-/root}") die "refusing to remove $DIR" ;;
    esac
    rm -rf -- "$DIR"
  fi
  log "down: nothing left under $DIR"
}

cmd_status() {
  local node role detail
  printf '%-11s %-6s %-8s %-8s %s\n' node port state role detail
  for node in "${ALL_NODES[@]}"; do
    if [[ ! -d "$(node_dir "$node")" ]]; then
      continue
    fi
    if ! is_running "$node"; then
      printf '%-11s %-6s %-8s\n' "$node" "$(port_of "$node")" stopped
      continue
    fi
    role="$(cli "$node" INFO replication 2>/dev/null | tr -d '\r' | sed -n 's/^role://p')"
    detail=""
    if [[ "$node" == cluster* ]]; then
      detail="$(cli "$node" CLUSTER INFO 2>/dev/null | tr -d '\r' | grep '^cluster_state:' || true)"
    fi
    printf '%-11s %-6s %-8s %-8s %s\n' "$node" "$(port_of "$node")" running "${role:-?}" "$detail"
  done
}

cmd_env() {
  local seeds="" node
  for node in "${CLUSTER_NODES[@]}"; do seeds+="${seeds:+,}$HOST:$(port_of "$node")"; done
  cat <<EOF
CACHET_REDIS_STANDALONE=$HOST:$(port_of standalone)
CACHET_REDIS_TLS=$HOST:$(port_of tls)
CACHET_REDIS_TLS_CA=$DIR/tls/ca.crt
CACHET_REDIS_PRIMARY=$HOST:$(port_of primary)
CACHET_REDIS_REPLICAS=$HOST:$(port_of replica1),$HOST:$(port_of replica2)
CACHET_REDIS_CLUSTER=$seeds
CACHET_REDIS_USER=$USER_NAME
CACHET_REDIS_PASSWORD=$USER_PASSWORD
CACHET_REDIS_RESTRICTED_USER=$RESTRICTED_NAME
CACHET_REDIS_RESTRICTED_PASSWORD=$RESTRICTED_PASSWORD
CACHET_REDIS_DIR=$DIR
CACHET_REDIS_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
CACHET_REDIS_PORT=$BASE_PORT
EOF
}

node_name() { # accepts a node name or its port
  local node
  for node in "${ALL_NODES[@]}"; do
    if [[ "$1" == "$node" || "$1" == "$(port_of "$node")" || "$1" == "$HOST:$(port_of "$node")" ]]; then
      echo "$node"
      return
    fi
  done
  die "unknown node '$1' (use ${ALL_NODES[*]}, or a port)"
}

cmd_kill() {
  local node pid
  node="$(node_name "$1")"
  pid="$(pid_of "$node")"
  if [[ -z "$pid" ]] || ! is_running "$node"; then log "$node is not running"; return 0; fi
  kill -KILL "$pid"
  wait_until "$node to die" not_running "$node"
  log "$node killed"
}

not_running() { ! is_running "$1"; }

cmd_stop() {
  local node
  node="$(node_name "$1")"
  if ! is_running "$node"; then log "$node is not running"; return 0; fi
  cli "$node" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  wait_until "$node to stop" not_running "$node"
  log "$node stopped"
}

cmd_start() {
  local node
  node="$(node_name "$1")"
  start_node "$node"
  if [[ "$node" == cluster* ]]; then
    wait_until "the cluster to be ok on every node" cluster_ok_everywhere
  fi
  log "$node started"
}

role_of() { cli "$1" INFO replication 2>/dev/null | tr -d '\r' | sed -n 's/^role://p'; }
is_cluster_primary() { [[ "$(role_of "$1")" == master ]]; }

cmd_failover() {
  local node
  node="$(node_name "$1")"
  [[ "$node" == cluster* ]] || die "failover works on cluster nodes"
  [[ "$(role_of "$node")" == slave ]] || die "$node is not a replica"
  cli "$node" CLUSTER FAILOVER >/dev/null
  wait_until "$node to become primary" is_cluster_primary "$node"
  wait_until "the cluster to be ok on every node" cluster_ok_everywhere
  log "$node is primary now"
}

replica_of() { # the cluster node that replicates NODE
  local node="$1" id other
  id="$(cli "$node" CLUSTER MYID | tr -d '\r')"
  for other in "${CLUSTER_NODES[@]}"; do
    [[ "$other" == "$node" ]] && continue
    is_running "$other" || continue
    if cli "$other" CLUSTER NODES | tr -d '\r' | awk -v id="$id" '$3 ~ /myself/ && $4 == id { found = 1 } END { exit !found }'; then
      echo "$other"
      return 0
    fi
  done
  return 1
}

cmd_crash_primary() {
  local node replica
  node="$(node_name "$1")"
  [[ "$node" == cluster* ]] || die "crash-primary works on cluster nodes"
  is_cluster_primary "$node" || die "$node is not a primary"
  replica="$(replica_of "$node")" || die "$node has no replica to take over"
  cmd_kill "$node"
  wait_until "$replica to take over from $node" is_cluster_primary "$replica"
  wait_until "the cluster to be ok on every node" cluster_ok_everywhere
  log "$node crashed; $replica is primary now"
}

cmd_node_of_key() {
  local slot node
  for node in "${CLUSTER_NODES[@]}"; do
    is_running "$node" || continue
    slot="$(cli "$node" CLUSTER KEYSLOT "$1" | tr -d '\r')"
    cli "$node" CLUSTER NODES | tr -d '\r' | awk -v slot="$slot" '
      $3 ~ /master/ && $3 !~ /fail/ {
        for (i = 9; i <= NF; i++) {
          n = split($i, r, "-")
          lo = r[1]; hi = (n > 1) ? r[2] : r[1]
          if (slot + 0 >= lo + 0 && slot + 0 <= hi + 0) { split($2, a, "[:@]"); print a[2]; exit }
        }
      }' | { read -r port; node_name "$port"; }
    return 0
  done
  die "no cluster node is running"
}

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
  exit "${1:-2}"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) require_binaries; cmd_status ;;
    env) cmd_env ;;
    kill) [[ $# -eq 1 ]] || usage; cmd_kill "$1" ;;
    stop) [[ $# -eq 1 ]] || usage; require_binaries; cmd_stop "$1" ;;
    start) [[ $# -eq 1 ]] || usage; require_binaries; cmd_start "$1" ;;
    failover) [[ $# -eq 1 ]] || usage; require_binaries; cmd_failover "$1" ;;
    crash-primary) [[ $# -eq 1 ]] || usage; require_binaries; cmd_crash_primary "$1" ;;
    node-of-key) [[ $# -eq 1 ]] || usage; require_binaries; cmd_node_of_key "$1" ;;
    replica-of) [[ $# -eq 1 ]] || usage; require_binaries; replica_of "$(node_name "$1")" || die "$1 has no replica" ;;
    cli) [[ $# -ge 1 ]] || usage; require_binaries; node="$(node_name "$1")"; shift; CLI_SECONDS=0 cli "$node" "$@" ;;
    -h|--help|help) usage 0 ;;
    *) usage ;;
  esac
}

main "$@"
