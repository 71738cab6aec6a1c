#!/usr/bin/env bash
# The fast-path benchmark of issue 10 in one command: a miss, cache off, a write by key and a hit through Cachet
# against the direct driver (H2 in memory, the machine's PostgreSQL on 127.0.0.1:5432 and MariaDB on 127.0.0.1:3306,
# each in a throwaway database the benchmark creates and drops), side by side in alternating 100 ms slices per
# backend and thread count, in three JVMs in turn, with the allocation per operation; the routing overhead (Cachet
# with the cache off over a primary and two streaming replicas against a hand-written two-pool split, read-only mix)
# on a throwaway cluster that scripts/pg-cluster.sh starts and tears down (PostgreSQL's server binaries needed, not
# root; ports CACHET_BENCH_ROUTING_PORT..+2, default 27432); then the bytes per cached entry, counted by the cache and
# measured by JOL.
#
#   scripts/bench-fastpath.sh [--backends h2,postgres,mariadb] [--threads 1,8] [--hit-threads 1,2,4,8] [--forks 3]
#                             [--rounds 90] [--slice-ms 100] [--quick]
#                             [--no-footprint] [--no-routing]
#
# Prints markdown tables (ratios in bold); the whole output is also kept in bench/target/fastpath.md.
# Run it under the shared lock on a shared machine: flock /tmp/cachet-bench.lock scripts/bench-fastpath.sh
set -euo pipefail

cd "$(dirname "$0")/.."
if ! mvn -q -o -pl bench -am package -DskipTests >&2 2>/dev/null; then
  mvn -q -pl bench -am package -DskipTests >&2
fi
mkdir -p bench/target

ROUTING=()
if [[ " $* " != *" --no-routing "* ]]; then
  export CACHET_PG_PORT="${CACHET_BENCH_ROUTING_PORT:-27432}"
  export CACHET_PG_DIR="${CACHET_BENCH_ROUTING_DIR:-/tmp/cachet-pg-$CACHET_PG_PORT}"
  export CACHET_PG_NAME="${CACHET_PG_NAME:-cachetfastpath}"
  if bash scripts/pg-cluster.sh up >&2 \
      && bash scripts/pg-cluster.sh psql 0 -q -c "CREATE DATABASE cachet_bench" >&2; then
    trap 'bash scripts/pg-cluster.sh down >&2 || true' EXIT
    ROUTING=(--routing "127.0.0.1:$CACHET_PG_PORT,127.0.0.1:$((CACHET_PG_PORT + 1)),127.0.0.1:$((CACHET_PG_PORT + 2))")
  else
    bash scripts/pg-cluster.sh down >&2 || true
    echo "bench-fastpath: no throwaway primary + 2 replicas could be started; the routing overhead is not measured" >&2
  fi
fi

echo "load: $(uptime)" | tee bench/target/fastpath.md
# the heap touched up front: page faults taken while allocating (the kernel reclaims pages in between) were 6% of an
# H2 hit's profile and widened the direct drivers' rounds most, being the ones that allocate most
java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp bench/target/benchmarks.jar \
    dev.cachet.bench.fastpath.FastPathMain "$@" "${ROUTING[@]}" | tee -a bench/target/fastpath.md
echo "load: $(uptime)" | tee -a bench/target/fastpath.md
