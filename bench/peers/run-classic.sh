#!/usr/bin/env bash
# The classic-model benchmark, Theta and scikit-learn on the same data in the same run:
#   bash bench/peers/run-classic.sh            (needs python3-sklearn; prints both tables)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dotnet build -c Release src/Theta.Cli >/dev/null
theta=src/Theta.Cli/bin/Release/net10.0/theta
"$theta" bench classic --export "$dir" --threads 1,2 --reps 5
for t in 1 2; do /usr/bin/python3 bench/peers/sklearn_classic.py "$dir" --threads "$t" --reps 5; done
