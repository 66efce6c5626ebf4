#!/bin/bash
# Theta's MPI_Allreduce binding against mpi4py over the same Open MPI, alternating runs, N ranks (default 2):
#   bench/mpi/allreduce.sh [N] [rounds]   (from the repository root, after dotnet build -c Release)
# Prints each run's JSON and a table of medians over rounds with the ratio Theta / mpi4py of bus bandwidth.
set -euo pipefail
N=${1:-2}; ROUNDS=${2:-3}
THETA=src/Theta.Cli/bin/Release/net10.0/Theta.Cli.dll
MPIRUN=(mpirun --allow-run-as-root --oversubscribe -np "$N")
out=$(mktemp -d)
for r in $(seq "$ROUNDS"); do
  "${MPIRUN[@]}" dotnet "$THETA" bench allreduce --json | grep -o '\[{.*}\]' > "$out/theta.$r.json"
  "${MPIRUN[@]}" /usr/bin/python3 bench/mpi/allreduce_mpi4py.py | grep -o '\[{.*}\]' > "$out/mpi4py.$r.json"
  cat "$out/theta.$r.json" "$out/mpi4py.$r.json"
done
/usr/bin/python3 - "$out" "$ROUNDS" <<'PY'
import json, statistics, sys
d, rounds = sys.argv[1], int(sys.argv[2])
def load(who): return [json.load(open(f"{d}/{who}.{r}.json")) for r in range(1, rounds + 1)]
theta, peer = load("theta"), load("mpi4py")
print(f"{'bytes':>10} {'theta us':>10} {'mpi4py us':>10} {'theta busbw':>12} {'mpi4py busbw':>13} {'ratio':>6}")
for i, row in enumerate(theta[0]):
    t = statistics.median(run[i]["seconds"] for run in theta)
    p = statistics.median(run[i]["seconds"] for run in peer)
    f = 2 * (row["ranks"] - 1) / row["ranks"]
    print(f"{row['bytes']:>10} {t*1e6:>10.1f} {p*1e6:>10.1f} {row['bytes']*f/t/1e9:>12.2f} {row['bytes']*f/p/1e9:>13.2f} {p/t:>6.2f}")
PY
