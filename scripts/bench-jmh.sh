#!/usr/bin/env bash
# Cachet's JMH micro benchmarks of the execute path (dev.cachet.bench.driver.ExecutePathBenchmark).
#
#   scripts/bench-jmh.sh [h2|postgres|both] [--quick] [extra JMH arguments]
#
# h2 (default): the direct H2 driver vs Cachet (hit, miss, cache off), in memory.
# postgres: the same against a throwaway PostgreSQL primary that scripts/pg-cluster.sh starts on CACHET_PG_PORT
# (default here 26432) and tears down on exit; with CACHET_BENCH_PG=local, the machine's server on 5432 in a
# throwaway database cachet_bench. Results: bench/target/jmh-execute-<target>.json and the JMH table on stdout.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET="${1:-h2}"
shift || true
QUICK=()
EXTRA=()
for arg in "$@"; do
  if [[ "$arg" == "--quick" ]]; then QUICK=(-wi 2 -w 1 -i 3 -r 1); else EXTRA+=("$arg"); fi
done

if ! mvn -q -o -pl bench -am package -DskipTests >&2 2>/dev/null; then
  mvn -q -pl bench -am package -DskipTests >&2
fi
JAR=bench/target/benchmarks.jar

run_h2() {
  java -jar "$JAR" ExecutePathBenchmark -p backend=h2 "${QUICK[@]}" "${EXTRA[@]}" \
      -rf json -rff bench/target/jmh-execute-h2.json
}

run_pg() {
  local port url
  if [[ "${CACHET_BENCH_PG:-cluster}" == "cluster" && -f scripts/pg-cluster.sh ]]; then
    export CACHET_PG_PORT="${CACHET_PG_PORT:-26432}" CACHET_PG_NAME="${CACHET_PG_NAME:-cachetbench}"
    port="$CACHET_PG_PORT"
    trap 'bash scripts/pg-cluster.sh down >&2 || true' EXIT
    bash scripts/pg-cluster.sh up >&2
    bash scripts/pg-cluster.sh psql 0 -q -c "CREATE DATABASE cachet_bench" >&2
  else
    port=5432
    local psql=(psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -q -d postgres)
    trap '"${psql[@]}" -c "DROP DATABASE IF EXISTS cachet_bench WITH (FORCE)" >&2 || true' EXIT
    "${psql[@]}" -c "DROP DATABASE IF EXISTS cachet_bench WITH (FORCE)" -c "CREATE DATABASE cachet_bench" >&2
  fi
  url="jdbc:postgresql://127.0.0.1:${port}/cachet_bench"
  java -jar "$JAR" ExecutePathBenchmark -p backend=postgres -jvmArgsAppend "-Dcachet.bench.pg.url=$url" \
      "${QUICK[@]}" "${EXTRA[@]}" -rf json -rff bench/target/jmh-execute-postgres.json
}

case "$TARGET" in
  h2) run_h2 ;;
  postgres) run_pg ;;
  both) run_h2; run_pg ;;
  *) echo "bench-jmh: target must be h2, postgres or both, got '$TARGET'" >&2; exit 2 ;;
esac
