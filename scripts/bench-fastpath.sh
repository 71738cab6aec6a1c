#!/usr/bin/env bash
# The fast-path benchmark of issue 10 in one command: a miss, cache off and a hit through Cachet against the direct
# driver (H2 in memory, the machine's PostgreSQL on 127.0.0.1:5432 and MariaDB on 127.0.0.1:3306, each in a
# throwaway database the benchmark creates and drops), side by side in one JMH run per backend and thread count,
# with the allocation per operation; then the bytes per cached entry, counted by the cache and measured by JOL.
#
#   scripts/bench-fastpath.sh [--backends h2,postgres,mariadb] [--threads 1,8] [--hit-threads 1,2,4,8] [--quick]
#                             [--no-footprint]
#
# Prints markdown tables (ratios in bold); the whole output is also kept in bench/target/fastpath.md.
# Run it under the shared lock on a shared machine: flock /tmp/cachet-bench.lock scripts/bench-fastpath.sh
set -euo pipefail

cd "$(dirname "$0")/.."
if ! mvn -q -o -pl bench -am package -DskipTests >&2 2>/dev/null; then
  mvn -q -pl bench -am package -DskipTests >&2
fi
mkdir -p bench/target
echo "load: $(uptime)" | tee bench/target/fastpath.md
java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp bench/target/benchmarks.jar \
    dev.cachet.bench.fastpath.FastPathMain "$@" | tee -a bench/target/fastpath.md
echo "load: $(uptime)" | tee -a bench/target/fastpath.md
