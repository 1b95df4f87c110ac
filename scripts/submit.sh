#!/usr/bin/env bash
# Submits a Nightjar command to a cluster with spark-submit. See --help, and README "Running on a cluster".
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/submit.sh [--deploy-mode client|cluster] [--jar JAR] [SPARK-SUBMIT OPTIONS ...] -- COMMAND [ARGS ...]

Runs a Nightjar command (train, predict, models list) on a cluster through spark-submit.

  --deploy-mode MODE   client (default): the driver runs here; cluster: the cluster runs the driver too.
  --jar JAR            the job jar; default target/nightjar-<version>.jar of this checkout. In standalone cluster
                       mode it must be a path every worker can read (hdfs://..., or a disk all workers share).
  -h, --help           this help.

Every other option before "--" goes to spark-submit as it is (--master, --conf, --executor-memory, --files, ...).
Unless --name is given, the application is named after the command and the job, e.g. "nightjar train ratings-als".
Without "--", Nightjar's arguments start at the first train, predict or models. The master and deploy mode come
from spark-submit alone (its options, or spark-defaults.conf); the job spec and environment config cannot change
them.

The job spec (--job) and environment config (--conf after "--") ride along with the job:
  - a Hadoop path (hdfs://, s3a://, file://, any scheme) is passed as it is, in both modes;
  - a local file in client mode is passed as an absolute path, since the driver runs on this machine;
  - a local file in cluster mode is shipped with --files, and the job reads it by its name in the driver's
    working directory (YARN and Kubernetes put --files there). Spark's standalone cluster mode does not ship
    files to the driver: there, use a Hadoop path.

spark-submit is $SPARK_HOME/bin/spark-submit, or the one on the PATH.

Examples:
  scripts/submit.sh --master spark://master:7077 --executor-memory 4g -- \
      train --job jobs/ratings-als.yaml --conf conf/cluster-standalone.yaml
  scripts/submit.sh --deploy-mode cluster --master yarn --num-executors 4 -- \
      predict --job jobs/ratings-als.yaml --conf conf/yarn.yaml --run-date 2026-11-20
EOF
}

die() {
  echo "submit.sh: $*" >&2
  exit 2
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

deploy_mode=client
jar=""
spark_opts=()
user_files=""
master=""
named=0
nightjar_args=()
split=0

# Split the arguments: ours and spark-submit's first, Nightjar's after "--" (or from the first command word).
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --) shift; nightjar_args=("$@"); split=1; break ;;
    train|predict|models) nightjar_args=("$@"); split=1; break ;;
    --deploy-mode) [[ $# -ge 2 ]] || die "--deploy-mode needs a value: client or cluster"
      deploy_mode="$2"; shift 2 ;;
    --deploy-mode=*) deploy_mode="${1#*=}"; shift ;;
    --jar) [[ $# -ge 2 ]] || die "--jar needs a path"
      jar="$2"; shift 2 ;;
    --jar=*) jar="${1#*=}"; shift ;;
    --files) [[ $# -ge 2 ]] || die "--files needs a value"
      user_files="$2"; shift 2 ;;
    --files=*) user_files="${1#*=}"; shift ;;
    --master) [[ $# -ge 2 ]] || die "--master needs a value"
      master="$2"; spark_opts+=("$1" "$2"); shift 2 ;;
    --master=*) master="${1#*=}"; spark_opts+=("$1"); shift ;;
    --name|--name=*) named=1; spark_opts+=("$1"); shift ;;
    *) spark_opts+=("$1"); shift ;;
  esac
done

[[ $split -eq 1 && ${#nightjar_args[@]} -gt 0 ]] \
  || die "no Nightjar command; put it after --, e.g. scripts/submit.sh --master yarn -- train --job jobs/x.yaml (see --help)"
[[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] \
  || die "--deploy-mode must be client or cluster, not '$deploy_mode'"

if [[ -n "${SPARK_HOME:-}" ]]; then
  spark_submit="$SPARK_HOME/bin/spark-submit"
  [[ -x "$spark_submit" ]] || die "SPARK_HOME is $SPARK_HOME, but $spark_submit is missing or not executable"
elif command -v spark-submit >/dev/null 2>&1; then
  spark_submit="$(command -v spark-submit)"
else
  die "cannot find spark-submit: set SPARK_HOME to a Spark 4.1 (Scala 2.13) installation, or put spark-submit on the PATH"
fi

if [[ -z "$jar" ]]; then
  jar="$(ls "$root"/target/nightjar-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' -e '-shaded' | head -n 1 || true)"
  [[ -n "$jar" ]] || die "no job jar in $root/target; build it with: mvn -B -DskipTests package (or pass --jar)"
elif [[ ! "$jar" =~ ^[A-Za-z][A-Za-z0-9+.-]*: && ! -f "$jar" ]]; then
  die "the job jar $jar does not exist"
fi

# Rewrites the value of --job or --conf so the driver can read it in this deploy mode; ships local files if needed.
shipped=()
ride_along() {
  local option="$1" value="$2"
  if [[ "$value" =~ ^[A-Za-z][A-Za-z0-9+.-]*: ]]; then
    echo "$value"                                   # a Hadoop path: every node reads it from there
    return
  fi
  [[ -f "$value" ]] || die "$option $value: no such file (a local file, or a Hadoop path such as hdfs:///jobs/x.yaml)"
  local absolute
  absolute="$(cd "$(dirname "$value")" && pwd)/$(basename "$value")"
  if [[ "$deploy_mode" == client ]]; then
    echo "$absolute"
    return
  fi
  if [[ "$master" == spark://* ]]; then
    die "$option $value: standalone cluster mode does not ship local files to the driver; put it on a Hadoop path" \
      "(hdfs://..., or file:///... on a disk every worker shares), or use --deploy-mode client"
  fi
  echo "$absolute"
}

# The application's name in the cluster's UI, unless --name gave one: the command and the job, e.g.
# "nightjar train ratings-als" (spark-submit would name every run after the jar).
app_name="nightjar"
for arg in "${nightjar_args[@]}"; do
  [[ "$arg" != -* ]] || break
  app_name="$app_name $arg"
done

args=()
i=0
while [[ $i -lt ${#nightjar_args[@]} ]]; do
  arg="${nightjar_args[$i]}"
  case "$arg" in
    --job|--conf)
      [[ $((i + 1)) -lt ${#nightjar_args[@]} ]] || die "$arg needs a value"
      value="$(ride_along "$arg" "${nightjar_args[$((i + 1))]}")"
      i=$((i + 2)) ;;
    --job=*|--conf=*)
      value="$(ride_along "${arg%%=*}" "${arg#*=}")"
      arg="${arg%%=*}"
      i=$((i + 1)) ;;
    *)
      args+=("$arg")
      i=$((i + 1))
      continue ;;
  esac
  if [[ "$arg" == --job ]]; then
    job_name="$(basename "$value")"
    app_name="$app_name ${job_name%.y*ml}"
  fi
  if [[ "$deploy_mode" == cluster && "$value" == /* ]]; then
    name="$(basename "$value")"
    for other in "${shipped[@]+"${shipped[@]}"}"; do
      [[ "$(basename "$other")" != "$name" ]] \
        || die "cannot ship two files named $name ($other and $value); rename one of them"
    done
    shipped+=("$value")
    value="$name"                                   # YARN and Kubernetes put --files in the driver's working dir
  fi
  args+=("$arg" "$value")
done

files="$user_files"
for file in "${shipped[@]+"${shipped[@]}"}"; do
  files="${files:+$files,}$file"
done

command=("$spark_submit" "${spark_opts[@]+"${spark_opts[@]}"}" --deploy-mode "$deploy_mode")
[[ $named -eq 1 ]] || command+=(--name "$app_name")
[[ -z "$files" ]] || command+=(--files "$files")
command+=("$jar" "${args[@]}")

printf -v shown '%q ' "${command[@]}"
echo "submit.sh: ${shown% }" >&2
exec "${command[@]}"
