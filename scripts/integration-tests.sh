#!/usr/bin/env bash
# Cachet's integration suite: starts a throwaway PostgreSQL primary with two streaming replicas
# (scripts/pg-cluster.sh) and throwaway Redis servers (scripts/redis-servers.sh: standalone with ACL users, TLS,
# a primary with two replicas, a 6-node cluster), runs `mvn verify -Pit` against them, the machine's PostgreSQL
# (127.0.0.1:5432) and MariaDB (127.0.0.1:3306), and always tears both down. Extra arguments go to Maven
# (e.g. `scripts/integration-tests.sh -pl driver -am`). Run it under the shared lock:
#   flock /tmp/cachet-integration.lock scripts/integration-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "integration-tests: $*" >&2; exit 1; }

if (( EUID != 0 )); then
  die "must run as root: the test cluster's servers run as the postgres account (initdb refuses root), which only root can switch to"
fi

missing=()
for package in postgresql postgresql-contrib mariadb-server redis-server redis-tools; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if (( ${#missing[@]} > 0 )); then
  die "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})"
fi

PG_SINGLE="${CACHET_IT_PG_SINGLE:-127.0.0.1:5432}"
MARIADB="${CACHET_IT_MARIADB:-127.0.0.1:3306}"
pg_isready -q -h "${PG_SINGLE%:*}" -p "${PG_SINGLE##*:}" \
  || die "no PostgreSQL server on $PG_SINGLE (start it: pg_ctlcluster <version> main start)"
mariadb-admin --protocol=tcp -h "${MARIADB%:*}" -P "${MARIADB##*:}" -u root --silent ping >/dev/null 2>&1 \
  || die "no MariaDB server on $MARIADB accepting root without a password"

cluster=scripts/pg-cluster.sh
redis=scripts/redis-servers.sh
trap '"$cluster" down; "$redis" down' EXIT
"$cluster" up
eval "$("$cluster" env)"
"$redis" up
eval "$("$redis" env)"

mvn -B -ntp verify -Pit \
  -Dit.pg.primary="$CACHET_PG_PRIMARY" \
  -Dit.pg.replicas="$CACHET_PG_REPLICAS" \
  -Dit.pg.port="$CACHET_PG_PORT" \
  -Dit.pg.dir="$CACHET_PG_DIR" \
  -Dit.pg.script="$CACHET_PG_SCRIPT" \
  -Dit.pg.single="$PG_SINGLE" \
  -Dit.mariadb="$MARIADB" \
  -Dit.redis.standalone="$CACHET_REDIS_STANDALONE" \
  -Dit.redis.tls="$CACHET_REDIS_TLS" \
  -Dit.redis.tlsCa="$CACHET_REDIS_TLS_CA" \
  -Dit.redis.primary="$CACHET_REDIS_PRIMARY" \
  -Dit.redis.replicas="$CACHET_REDIS_REPLICAS" \
  -Dit.redis.cluster="$CACHET_REDIS_CLUSTER" \
  -Dit.redis.user="$CACHET_REDIS_USER" \
  -Dit.redis.password="$CACHET_REDIS_PASSWORD" \
  -Dit.redis.restrictedUser="$CACHET_REDIS_RESTRICTED_USER" \
  -Dit.redis.restrictedPassword="$CACHET_REDIS_RESTRICTED_PASSWORD" \
  -Dit.redis.script="$CACHET_REDIS_SCRIPT" \
  "$@"
