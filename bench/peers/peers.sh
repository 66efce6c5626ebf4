#!/usr/bin/env bash
# The peers' training benchmark lines, one run each: PyTorch on 1 thread and on 2 with both OpenBLAS settings
# (run-train.sh says why), then TorchSharp on 1 and 2 threads when TSBENCH names its build.
#   bash bench/peers/peers.sh PASSES
set -euo pipefail
cd "$(dirname "$0")/../.."
passes=$1
torch=../shared/peers/py/bench_train_torch.py
/usr/bin/python3 "$torch" --threads 1 --passes "$passes"
/usr/bin/python3 "$torch" --threads 2 --blas-threads 1 --passes "$passes"
/usr/bin/python3 "$torch" --threads 2 --blas-threads 2 --passes "$passes"
if [ -n "${TSBENCH:-}" ]; then
  for t in 1 2; do
    LD_PRELOAD="$TSBENCH/shim/libglibcxx_shim.so" dotnet "$TSBENCH/bin/Release/net10.0/TsBench.dll" "$t" mlp_relu,mlp_sigmoid,cnn "$passes"
  done
fi
