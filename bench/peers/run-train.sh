#!/usr/bin/env bash
# The training benchmark, Theta and PyTorch (Debian python3-torch) in the same run, same protocol
# (../shared/peers/README.md):
#   bash bench/peers/run-train.sh [passes]      (prints Theta's table, then PyTorch's lines)
# PyTorch runs its GEMMs in OpenBLAS, whose threads torch.set_num_threads does not reach: at 2 threads
# both --blas-threads 1 and 2 are run, and the better is its figure (see ../shared/peers/py/torch_thread_variants.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
passes=${1:-7}
dotnet build -c Release src/Theta.Cli >/dev/null
theta=src/Theta.Cli/bin/Release/net10.0/theta
torch=../shared/peers/py/bench_train_torch.py
uptime
"$theta" bench train --threads 1,2 --passes "$passes"
/usr/bin/python3 "$torch" --threads 1 --passes "$passes"
/usr/bin/python3 "$torch" --threads 2 --blas-threads 1 --passes "$passes"
/usr/bin/python3 "$torch" --threads 2 --blas-threads 2 --passes "$passes"
"$theta" bench train --threads 1,2 --passes "$passes" --json
uptime
