#!/usr/bin/env bash
# Runs burnrate's benchmarks and appends each result to loadtest/results/<UTC date>.md
# (ignored by git), with the date, the machine (nproc, memory, CPU, Java) and this exact
# command. loadtest/RESULTS.md, the run of record, is written from those by hand.
#
#   loadtest/bench.sh [--bootstrap-servers HOST:PORT] [throughput|otlp|scaling|latency|restore|jmh|all] [options]
#
# Without --bootstrap-servers the benchmarks start an embedded single-node Kafka broker
# (real broker, loopback only) inside the benchmark JVM. `all` runs throughput, scaling
# and latency (at half the throughput run's engine rate) on one broker, then jmh.
# More options go to the benchmark: see
#   java -jar loadtest/target/burnrate-loadtest.jar bench throughput --help   (and scaling, latency, restore, jmh)
# `otlp` is the throughput benchmark on OTLP spans (spans/s vs a consumer that protobuf-parses them).
# e.g. quick numbers:  loadtest/bench.sh throughput --events 1000000 --repeat 1
#      latency at 10,000 SLOs:  loadtest/bench.sh latency --slos 10000 --incident-duration 20s --incident-error-rate 1
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/burnrate-loadtest.jar"
results="$here/results/$(date -u +%Y-%m-%d).md"
command_line="loadtest/bench.sh $*"

bootstrap=()
what=""
rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-servers|-b) bootstrap=(--bootstrap-servers "$2"); shift 2 ;;
    --bootstrap-servers=*) bootstrap=(--bootstrap-servers "${1#*=}"); shift ;;
    throughput|otlp|scaling|latency|restore|jmh|all)
      if [ -z "$what" ]; then what="$1"; else rest+=("$1"); fi; shift ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) rest+=("$1"); shift ;;
  esac
done
what="${what:-all}"

if [ ! -f "$jar" ]; then
  echo "bench.sh: building $jar" >&2
  # a reactor build: never `mvn install` (it would change the local repository other builds read)
  (cd "$root" && mvn -q -B -DskipTests package -pl schemas,engine,loadtest -am)
fi
mkdir -p "$(dirname "$results")"

echo "bench.sh: $what on $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)" >&2
export BURNRATE_BENCH_COMMAND="$command_line"
cd "$here"
run_bench() {
  java -jar "$jar" bench "$1" ${bootstrap[@]+"${bootstrap[@]}"} --results "$results" --work-dir "$here/target/bench-work" \
    --profile-dir "$here/target/profiles" "${@:2}"
}
case "$what" in
  throughput) run_bench throughput --profile ${rest[@]+"${rest[@]}"} ;;
  otlp) run_bench otlp ${rest[@]+"${rest[@]}"} ;;
  scaling) run_bench scaling --scaling-profile ${rest[@]+"${rest[@]}"} ;;
  latency) run_bench latency ${rest[@]+"${rest[@]}"} ;;
  restore) run_bench restore ${rest[@]+"${rest[@]}"} ;;
  jmh) java -jar "$jar" jmh --results "$results" ${rest[@]+"${rest[@]}"} ;;
  all)
    run_bench all --profile --scaling-profile ${rest[@]+"${rest[@]}"}
    java -jar "$jar" jmh --results "$results"
    ;;
esac
