#!/usr/bin/env bash
# Runs one benchmark: a main class in io.nightjar.bench (src/test/java), on local Spark, with the test classpath.
# Benchmarks print each figure beside a baseline measured in the same run; they are never part of `mvn verify`.
#
#   scripts/benchmark.sh                 # lists the benchmarks
#   scripts/benchmark.sh NAME [ARGS...]  # runs io.nightjar.bench.NAME
#
# Environment: BENCH_JAVA_OPTS (default -Xmx8g) adds JVM options; NIGHTJAR_BENCH_MASTER (default local[*]) the master; NIGHTJAR_BENCH_DIR (default target/bench) holds
# generated data; NIGHTJAR_SHARED_DATA (default ../shared/data) is where the public datasets are read from.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ $# -eq 0 ]]; then
  echo "usage: scripts/benchmark.sh NAME [ARGS...]; benchmarks:" >&2
  ls src/test/java/io/nightjar/bench/ | sed -n 's/\.java$//p' | grep -v -e Support -e Bench[A-Z] | sed 's/^/  /' >&2
  exit 2
fi
name="$1"
shift

cp_file="target/bench-classpath.txt"
echo "benchmark: compiling (mvn -o -q test-compile) ..." >&2
mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2 \
  || mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2

flags="$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export NIGHTJAR_BENCH_DIR="${NIGHTJAR_BENCH_DIR:-$root/target/bench}"
export NIGHTJAR_SHARED_DATA="${NIGHTJAR_SHARED_DATA:-$root/../shared/data}"
mkdir -p "$NIGHTJAR_BENCH_DIR"

# shellcheck disable=SC2086
exec java $flags ${BENCH_JAVA_OPTS:--Xmx8g} \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dspark.ui.enabled=false \
  -cp "target/classes:target/test-classes:$(cat "$cp_file")" "io.nightjar.bench.$name" "$@"
