#!/bin/bash
# The borrowed machine's whole session in one script (no .NET there: Theta.Device is self-contained beside it).
#   bash device-run.sh [ROUNDS]   results under $OUT (default /tmp/theta-device-out) in five files (the tool
#   that fetches them takes only a few): cpu.txt, checks.txt, gemm.txt, train.txt, log.txt
# 1. the CPU (lscpu, AVX-512 flags), Theta's path choice with five runs of the start-up probe;
# 2. the kernel, optimizer, op and layer tests under THETA_ISA=avx512, avx2 and portable (naive references,
#    bit-identity across thread counts and across paths);
# 3. Theta.Peers gemm's measurement at fixed thread counts (THETA_ADAPTIVE_THREADS=0): avx512 (A packed, the
#    default), avx512 with A read in place, avx2; 1, 2 and all threads, with both FMA ceilings; then the CNN's two
#    convolutions (implicit GEMM, forward and backward) on the avx512 and avx2 tiles, alternating in one process;
# 4. ROUNDS interleaved rounds on two cores (taskset -c 0,1) of the training benchmark: Theta avx512 with and
#    without the adaptive thread choice, Theta avx2, PyTorch (bench_train_torch.py beside this script) at 1 and
#    2 threads; then one round of the two Theta avx512 variants with a busy loop pinned to core 1 (a neighbour
#    taking the second vCPU).
here=$(cd "$(dirname "$0")" && pwd)
x=$here/Theta.Device
out=${OUT:-/tmp/theta-device-out}
rounds=${1:-2}
pin="taskset -c 0,1"; command -v taskset > /dev/null || pin=""
mkdir -p "$out"
step() { echo "# $(date -u +%T) $*" | tee -a "$out/log.txt"; }
step start; uptime >> "$out/log.txt"
{ lscpu; echo; echo "avx512 flags: $(grep -o 'avx512[a-z_0-9]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"; nproc; free -g; } > "$out/cpu.txt" 2>&1
# NOTE: on Intel parts that lower their clock under 512-bit load the runtime reports Vector512 as not accelerated
# unless asked; the avx512 steps ask (DOTNET_PreferredVectorBitWidth=512), the others take the runtime's default.
wide() { if [ "$1" = avx512 ]; then echo DOTNET_PreferredVectorBitWidth=512; else echo DOTNET_UNUSED=0; fi; }
step info; { "$x" info; DOTNET_PreferredVectorBitWidth=512 "$x" info; } >> "$out/checks.txt" 2>&1
for isa in avx512 avx2 portable; do
  step "tests $isa"
  env $(wide $isa) THETA_ISA=$isa timeout 150 "$x" tests Theta.Tests.Kernels Theta.Tests.Optim Theta.Tests.Ops Theta.Tests.Nn >> "$out/checks.txt" 2>&1
  echo "exit $?" >> "$out/checks.txt"
done
all=$(nproc)
shapes=256,512,1024,2048,64x784x128,784x64x128,64x128x784
step "gemm avx512"; DOTNET_PreferredVectorBitWidth=512 THETA_ISA=avx512 THETA_ADAPTIVE_THREADS=0 timeout 100 "$x" gemm $shapes 1,2,$all 5 >> "$out/gemm.txt" 2>&1
step "gemm avx512 inplace"; DOTNET_PreferredVectorBitWidth=512 THETA_ISA=avx512 THETA_ADAPTIVE_THREADS=0 timeout 60 "$x" gemm 512,2048,64x784x128,784x64x128,64x128x784 1,2 5 inplace >> "$out/gemm.txt" 2>&1
step "gemm avx2"; THETA_ISA=avx2 THETA_ADAPTIVE_THREADS=0 timeout 100 "$x" gemm $shapes 1,2,$all 5 >> "$out/gemm.txt" 2>&1
step "conv avx512 vs avx2"; DOTNET_PreferredVectorBitWidth=512 THETA_ADAPTIVE_THREADS=0 timeout 60 $pin "$x" conv 1,2 7 >> "$out/gemm.txt" 2>&1
theta() {  # theta ISA ADAPTIVE LABEL
  echo "## $3" >> "$out/train.txt"
  env $(wide $1) THETA_ISA=$1 THETA_ADAPTIVE_THREADS=$2 timeout 100 $pin "$x" train mlp_relu,mlp_sigmoid,cnn 1,2 3 >> "$out/train.txt" 2>&1
}
for r in $(seq 1 "$rounds"); do
  step "train round $r"
  theta avx512 1 "round $r"; theta avx512 0 "round $r"; theta avx2 1 "round $r"
  if [ -f "$here/bench_train_torch.py" ]; then
    for t in 1 2; do
      step "torch round $r threads $t"
      timeout 60 $pin python3 "$here/bench_train_torch.py" --threads "$t" --passes 3 2>&1 | sed "s/^/torch round $r t=$t: /" >> "$out/train.txt"
    done
  fi
done
step "train with a busy neighbour on core 1"
taskset -c 1 sh -c 'while :; do :; done' & hog=$!; trap 'kill $hog 2> /dev/null' EXIT
theta avx512 1 "busy core 1"; theta avx512 0 "busy core 1"
kill $hog
step done; uptime >> "$out/log.txt"
