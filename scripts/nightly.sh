#!/usr/bin/env bash
# The nightly flow on the sample data, with the embedded defaults (local Spark, ./models, ./output):
# for every job in jobs/, train a new model version, then score all of the job's sample batches with CURRENT (and,
# for jobs with a recommend section, write top-K recommendations). A model refused by the quality gate (exit 5) does
# not stop the flow: predict goes on with the CURRENT version, and the script exits 5 at the end. Any other failure
# stops at once with that command's exit code (see README: exit codes).
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

status=0
for job in "${jobs[@]}"; do
  echo "== $job: train"
  code=0
  scripts/nightjar train --job "$job" || code=$?
  if [[ $code -eq 5 ]]; then
    echo "== $job: the new model failed the quality gate; scoring with the CURRENT version"
    status=5
  elif [[ $code -ne 0 ]]; then
    exit "$code"
  fi
  echo "== $job: predict (every sample batch)"
  scripts/nightjar predict --job "$job" --all-partitions
  if grep -q '^recommend:' "$job"; then
    echo "== $job: recommend"
    scripts/nightjar recommend --job "$job" --run-date "$(date -u +%F)"
  fi
done
echo "== nightly run finished: models in ./models, scores in ./output"
exit "$status"
