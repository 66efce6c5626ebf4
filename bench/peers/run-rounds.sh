#!/usr/bin/env bash
# The training benchmark in interleaved rounds: Theta, PyTorch (both OpenBLAS settings at 2 threads) and
# TorchSharp (when TSBENCH names its build, as run-train.sh says) one after another, ROUNDS times, each run
# with PASSES timed passes; then summarize-rounds.py prints, per network and thread count, each library's
# median over every round and the ratio of Theta to the best peer (and that ratio's range over the rounds).
# NOTE: this VM's speed changes in phases of seconds to minutes (the same build measured 0.31 and 0.46 ms
# for one step a minute apart), so one long run per library can land one library in a slow phase and the
# other in a fast one. Short runs taken in turn give every library the same share of slow and fast phases.
#   bash bench/peers/quiet.sh env TSBENCH=/tmp/tsbench bash bench/peers/run-rounds.sh [rounds] [passes] [out-dir]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}; passes=${2:-3}; out=${3:-$(mktemp -d /tmp/theta-rounds.XXXXXX)}
mkdir -p "$out"
dotnet build -c Release src/Theta.Cli >/dev/null
theta=src/Theta.Cli/bin/Release/net10.0/theta
for r in $(seq 1 "$rounds"); do
  echo "# round $r of $rounds: $(uptime)"
  "$theta" bench train --threads 1,2 --passes "$passes" --json > "$out/theta-$r.json"
  bash bench/peers/peers.sh "$passes" > "$out/peers-$r.txt" 2>&1
done
echo "# raw results in $out"
python3 bench/peers/summarize-rounds.py "$out"
