#!/bin/bash
# The borrowed machine's whole session in one script (no .NET there: Theta.Device is self-contained beside it).
#   bash device-run.sh [ROUNDS]   results under $OUT (default /tmp/theta-device-out), one file per step
# 1. the CPU (lscpu, AVX-512 flags) and Theta's path choice with five runs of the start-up probe;
# 2. the kernel, optimizer, op and layer tests under THETA_ISA=avx512, avx2 and portable (naive references,
#    bit-identity across thread counts and across paths);
# 3. theta bench gemm's measurement on avx512 and avx2 at 1, 2 and all threads, with both FMA ceilings;
# 4. ROUNDS interleaved rounds on two cores (taskset -c 0,1) of the training benchmark: Theta avx512, Theta avx2,
#    PyTorch (when torch imports and peers/bench_train_torch.py is beside this script) at 1 and 2 threads.
here=$(cd "$(dirname "$0")" && pwd)
x=$here/Theta.Device
out=${OUT:-/tmp/theta-device-out}
rounds=${1:-2}
pin="taskset -c 0,1"; command -v taskset > /dev/null || pin=""
mkdir -p "$out"
step() { echo "# $(date -u +%T) $*" | tee -a "$out/log.txt"; }
step start; uptime >> "$out/log.txt"
{ lscpu; echo; echo "avx512 flags: $(grep -o 'avx512[a-z_0-9]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"; nproc; free -g; } > "$out/cpu.txt" 2>&1
step info; "$x" info > "$out/info.txt" 2>&1
# NOTE: on Intel parts that lower their clock under 512-bit load the runtime reports Vector512 as not accelerated
# unless asked; the avx512 steps ask (DOTNET_PreferredVectorBitWidth=512), the others take the runtime's default.
DOTNET_PreferredVectorBitWidth=512 "$x" info >> "$out/info.txt" 2>&1
wide() { if [ "$1" = avx512 ]; then echo DOTNET_PreferredVectorBitWidth=512; else echo DOTNET_UNUSED=0; fi; }
for isa in avx512 avx2 portable; do
  step "tests $isa"
  env $(wide $isa) THETA_ISA=$isa timeout 150 "$x" tests Theta.Tests.Kernels Theta.Tests.Optim Theta.Tests.Ops Theta.Tests.Nn > "$out/tests-$isa.txt" 2>&1
  echo "exit $?" >> "$out/tests-$isa.txt"
done
all=$(nproc)
for isa in avx512 avx2; do
  step "gemm $isa"
  env $(wide $isa) THETA_ISA=$isa timeout 150 "$x" gemm 256,512,1024,2048,64x784x128,784x64x128,64x128x784 1,2,$all 5 > "$out/gemm-$isa.txt" 2>&1
done
for r in $(seq 1 "$rounds"); do
  for isa in avx512 avx2; do
    step "train round $r $isa"
    env $(wide $isa) THETA_ISA=$isa timeout 100 $pin "$x" train mlp_relu,mlp_sigmoid,cnn 1,2 3 >> "$out/train-$isa.txt" 2>&1
  done
  if [ -f "$here/bench_train_torch.py" ]; then
    for t in 1 2; do
      step "torch round $r threads $t"
      timeout 60 $pin python3 "$here/bench_train_torch.py" --threads "$t" --passes 3 >> "$out/torch.txt" 2>&1
    done
  fi
done
step done; uptime >> "$out/log.txt"
