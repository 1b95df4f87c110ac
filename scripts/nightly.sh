#!/usr/bin/env bash
# The nightly flow on the sample data, with the embedded defaults (local Spark, ./models, ./output):
# for every job in jobs/, train a new model version, then score all of the job's sample batches with it.
# Stops at the first failure and exits with that command's exit code (see README: exit codes).
#
#   scripts/nightly.sh                 # every job in jobs/
#   scripts/nightly.sh jobs/x.yaml     # only the jobs named
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -f target/spark-classpath.txt ]] || ! ls target/nightjar-*.jar >/dev/null 2>&1; then
  echo "== building the job jar (first run only; downloads dependencies from Maven Central)"
  mvn -B -q -DskipTests package
fi

jobs=("$@")
if [[ ${#jobs[@]} -eq 0 ]]; then
  jobs=(jobs/*.yaml)
fi

for job in "${jobs[@]}"; do
  echo "== $job: train"
  scripts/nightjar train --job "$job"
  echo "== $job: predict (every sample batch)"
  scripts/nightjar predict --job "$job" --all-partitions
done
echo "== nightly run finished: models in ./models, scores in ./output"
