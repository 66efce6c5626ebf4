#!/bin/bash
# Data-parallel scaling on one machine: MNIST training examples/s for 1 rank × 1 thread, 2 ranks × 1 thread and
# 1 rank × 2 threads, the same global batch (64), alternating configurations in rounds:
#   bench/mpi/scaling.sh [rounds]   (from the repository root, after dotnet build -c Release)
# Examples/s = training images ÷ the run's "seconds" (training plus a 100-image test pass per epoch; data loading
# and process start excluded). Every run at nice -19, so that other users' builds preempt it less. Prints one line
# per run and the medians over rounds.
set -euo pipefail
ROUNDS=${1:-3}
THETA=src/Theta.Cli/bin/Release/net10.0/Theta.Cli.dll
DATA=${THETA_DATA:-../shared/data}/mnist
declare -A LIMIT=([cnn]=3200 [mlp]=19200)
out=$(mktemp)
for r in $(seq "$ROUNDS"); do
  for model in cnn mlp; do
    args=(train mnist --data "$DATA" --model "$model" --limit "${LIMIT[$model]}" --test-limit 100 --epochs 1 --batch 64 --json)
    for config in 1x1 2x1 1x2; do
      case $config in
        1x1) cmd=(nice -n -19 taskset -c 0 dotnet "$THETA" "${args[@]}") ;;
        2x1) cmd=(nice -n -19 mpirun --allow-run-as-root -np 2 --bind-to core dotnet "$THETA" "${args[@]}") ;;
        1x2) cmd=(nice -n -19 dotnet "$THETA" "${args[@]}") ;;
      esac
      s=$("${cmd[@]}" 2>/dev/null | grep -o '"seconds":[0-9.eE+-]*' | cut -d: -f2)
      echo "$r $model $config $s ${LIMIT[$model]}" | tee -a "$out"
    done
  done
done
/usr/bin/python3 - "$out" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print(f"{'model':>5} {'ranks x threads':>16} {'examples/s':>11} {'vs 1x1':>7}")
for model in ("cnn", "mlp"):
    rate = {c: statistics.median(int(n) / float(s) for _, m, cc, s, n in rows if m == model and cc == c) for c in ("1x1", "2x1", "1x2")}
    for c in ("1x1", "2x1", "1x2"):
        print(f"{model:>5} {c:>16} {rate[c]:>11.0f} {rate[c] / rate['1x1']:>7.2f}")
PY
