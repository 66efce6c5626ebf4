#!/usr/bin/env bash
# The training benchmark, Theta and PyTorch (Debian python3-torch) in the same run, same protocol
# (../shared/peers/README.md):
#   bash bench/peers/run-train.sh [passes]      (prints Theta's table, then PyTorch's lines)
# PyTorch runs its GEMMs in OpenBLAS, whose threads torch.set_num_threads does not reach: at 2 threads
# both --blas-threads 1 and 2 are run, and the better is its figure (see ../shared/peers/py/torch_thread_variants.sh).
# TorchSharp-cpu (libtorch) runs too when TSBENCH names a built copy of ../shared/peers/torchsharp (its
# 1.5 GB restore stays out of this repository), built as that folder's README says:
#   cp -r ../shared/peers/torchsharp /tmp/tsbench && (cd /tmp/tsbench && dotnet build -c Release && g++ -O2 -shared -fPIC \
#     shim/glibcxx_shim.cpp -Wl,--version-script=shim/glibcxx_shim.map -o shim/libglibcxx_shim.so && \
#     python3 shim/patch_verneed.py bin/Release/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so)
#   TSBENCH=/tmp/tsbench bash bench/peers/run-train.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
passes=${1:-7}
dotnet build -c Release src/Theta.Cli >/dev/null
theta=src/Theta.Cli/bin/Release/net10.0/theta
uptime
"$theta" bench train --threads 1,2 --passes "$passes"
bash bench/peers/peers.sh "$passes"
"$theta" bench train --threads 1,2 --passes "$passes" --json
uptime
