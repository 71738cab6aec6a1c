#!/usr/bin/env bash
# Cachet's side-by-side workload benchmark: builds the bench jar and runs the workload runner.
#
#   scripts/bench-workload.sh h2 [runner options]         H2 in memory, no server needed
#   scripts/bench-workload.sh postgres [runner options]   a throwaway primary + 2 streaming replicas
#   scripts/bench-workload.sh memory [keys] [maxBytes]    the byte bound under distinct keys (heap measured)
#
# Common options: --quick (smoke run, ~1-2 min), --mixes a,b, --contenders pg-direct,cachet-on, --rounds N.
# `... h2 --help` lists them all. Results: bench/target/workload/<target>.{md,csv,svg}; the chart is also
# written to docs/bench/workload-<target>[-quick].svg.
#
# PostgreSQL: scripts/pg-cluster.sh starts the cluster on CACHET_PG_PORT (default here 26432, so that it never
# meets an integration-test cluster on 25432) and this script tears it down on exit. Without that script (or
# with CACHET_BENCH_PG=local) it uses the machine's server on 127.0.0.1:5432 in a throwaway database
# cachet_bench, without replicas, and drops the database afterwards.
# Environment: CACHET_BENCH_HEAP (default 3g), CACHET_PG_PORT, CACHET_BENCH_PG=cluster|local.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET="${1:-h2}"
shift || true
case "$TARGET" in
  h2|postgres|memory) ;;
  -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
  *) echo "bench-workload: target must be h2, postgres or memory, got '$TARGET'" >&2; exit 2 ;;
esac

QUICK=""
for arg in "$@"; do
  [[ "$arg" == "--quick" ]] && QUICK="-quick"
done

echo "bench-workload: building the bench jar" >&2
if ! mvn -q -o -pl bench -am package -DskipTests >&2 2>/dev/null; then
  mvn -q -pl bench -am package -DskipTests >&2
fi
JAR=bench/target/benchmarks.jar
HEAP="${CACHET_BENCH_HEAP:-4g}"
RUN=(java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseParallelGC -cp "$JAR" dev.cachet.bench.workload.WorkloadRunner)
CHART="docs/bench/workload-${TARGET}${QUICK}.svg"

if [[ "$TARGET" == "memory" ]]; then
  exec java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseParallelGC -cp "$JAR" dev.cachet.bench.workload.MemoryBound \
      "${1:-1000000}" "${2:-64MB}" bench/target/workload/memory.md
fi

if [[ "$TARGET" == "h2" ]]; then
  exec "${RUN[@]}" h2 --chart "$CHART" "$@"
fi

MODE="${CACHET_BENCH_PG:-cluster}"
CLUSTER="scripts/pg-cluster.sh"
if [[ "$MODE" == "cluster" && ! -x "$CLUSTER" && ! -f "$CLUSTER" ]]; then
  echo "bench-workload: $CLUSTER not found; using the local server on 127.0.0.1:5432 without replicas" >&2
  MODE=local
fi

if [[ "$MODE" == "cluster" ]]; then
  export CACHET_PG_PORT="${CACHET_PG_PORT:-26432}"
  export CACHET_PG_NAME="${CACHET_PG_NAME:-cachetbench}"
  BASE="$CACHET_PG_PORT"
  cleanup() { bash "$CLUSTER" down >&2 || true; }
  trap cleanup EXIT
  bash "$CLUSTER" up >&2
  bash "$CLUSTER" psql 0 -q -c "CREATE DATABASE cachet_bench" >&2
  "${RUN[@]}" postgres --pg-primary "127.0.0.1:$BASE" \
      --pg-replicas "127.0.0.1:$((BASE + 1)),127.0.0.1:$((BASE + 2))" --chart "$CHART" "$@"
else
  PSQL=(psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -q)
  cleanup() { "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS cachet_bench WITH (FORCE)" >&2 || true; }
  trap cleanup EXIT
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS cachet_bench WITH (FORCE)" -c "CREATE DATABASE cachet_bench" >&2
  "${RUN[@]}" postgres --pg-primary 127.0.0.1:5432 --pg-replicas "" --chart "$CHART" "$@"
fi
