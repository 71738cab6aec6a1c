#!/usr/bin/env bash
# The shared tier's benchmark (docs/benchmarks.md): the workload runner against a throwaway PostgreSQL primary
# (scripts/pg-cluster.sh; the runs use the primary only) and a throwaway standalone Redis with an ACL user
# (scripts/redis-servers.sh), both torn down on exit.
#
#   scripts/bench-shared.sh single [runner options]   one JVM: pg-direct, cachet-on, cachet-shared (strict),
#                                                     cachet-shared-bc (broadcast), cachet-redis (hits from Redis)
#   scripts/bench-shared.sh pair [runner options]     two JVMs at once, two instances of one application sharing
#                                                     Redis: each runs pg-direct and cachet-shared, same rounds
#
# Defaults: mixes a (read-only) and c (95% reads, 5% updates of the table read), 3 rounds of 1 s warm-up + 3 s
# measured. Results: bench/target/workload/shared-*/postgres.md. Environment: CACHET_PG_PORT (26432),
# CACHET_REDIS_PORT (17379), CACHET_BENCH_HEAP (2g).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-single}"
shift || true
case "$MODE" in
  single|pair) ;;
  *) echo "bench-shared: single or pair, not '$MODE'" >&2; exit 2 ;;
esac

echo "bench-shared: building the bench jar" >&2
if ! mvn -q -o -pl bench -am package -DskipTests >&2 2>/dev/null; then
  mvn -q -pl bench -am package -DskipTests >&2
fi
JAR=bench/target/benchmarks.jar
HEAP="${CACHET_BENCH_HEAP:-2g}"
RUN=(java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseParallelGC -cp "$JAR" dev.cachet.bench.workload.WorkloadRunner)

export CACHET_PG_PORT="${CACHET_PG_PORT:-26432}"
export CACHET_REDIS_PORT="${CACHET_REDIS_PORT:-17379}"
cleanup() { scripts/pg-cluster.sh down >&2 || true; scripts/redis-servers.sh down >&2 || true; }
trap cleanup EXIT
scripts/pg-cluster.sh up >&2
scripts/pg-cluster.sh psql 0 -q -c "CREATE DATABASE cachet_bench" >&2
scripts/redis-servers.sh up standalone >&2
eval "$(scripts/redis-servers.sh env)"

COMMON=(postgres --pg-primary "127.0.0.1:$CACHET_PG_PORT" --pg-replicas ""
  --redis "redis://$CACHET_REDIS_STANDALONE" --redis-user "$CACHET_REDIS_USER"
  --redis-password "$CACHET_REDIS_PASSWORD" --mixes a,c --rounds 3 --warmup 1 --measure 3)
echo "bench-shared: $(uptime)" >&2
if [[ "$MODE" == "single" ]]; then
  "${RUN[@]}" "${COMMON[@]}" --contenders pg-direct,cachet-on,cachet-shared,cachet-shared-bc,cachet-redis \
      --out-dir bench/target/workload/shared-single --chart bench/target/workload/shared-single/chart.svg "$@"
else
  mkdir -p bench/target/workload
  "${RUN[@]}" "${COMMON[@]}" --load only "$@"
  for instance in a b; do
    "${RUN[@]}" "${COMMON[@]}" --load no --contenders pg-direct,cachet-shared \
        --out-dir "bench/target/workload/shared-pair-$instance" \
        --chart "bench/target/workload/shared-pair-$instance/chart.svg" "$@" \
        > "bench/target/workload/shared-pair-$instance.log" 2>&1 &
  done
  wait
  tail -n 40 bench/target/workload/shared-pair-a.log bench/target/workload/shared-pair-b.log
fi
echo "bench-shared: $(uptime)" >&2
