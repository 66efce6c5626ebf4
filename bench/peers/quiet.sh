#!/usr/bin/env bash
# Runs a benchmark command with every other process on this shared machine paused, and checks that both
# cores were really free before and after (the machine's own FMA ceiling, ../shared/peers/ceiling):
#   bash bench/peers/quiet.sh env TSBENCH=/tmp/tsbench bash bench/peers/run-train.sh
# "Other" = every user process outside this script's own ancestry and descendants, except PID 1: the other
# sessions' builds, tests and training runs, and their shells (so nothing new starts meanwhile). They get
# SIGSTOP, and SIGCONT when the command ends, however it ends. A run whose "after" check shows a busy core
# (a 2-thread figure near the 1-thread one) is not to be quoted.
set -uo pipefail
fma=/tmp/theta-fma-peak
[ -x "$fma" ] || gcc -O3 -mavx2 -mfma -fopenmp "$(dirname "$0")/../../../shared/peers/ceiling/fma_peak.c" -o "$fma"
me=$$
declare -A parent
while read -r pid ppid; do parent[$pid]=$ppid; done < <(ps -eo pid=,ppid=)
ancestors=" "; p=$me
while [ -n "$p" ] && [ "$p" != 0 ]; do ancestors+="$p "; p=${parent[$p]:-}; done
pids=""
for pid in "${!parent[@]}"; do
  [ "$pid" = 1 ] || [ "$pid" = 2 ] || [ "${parent[$pid]}" = 2 ] || [ "$pid" = "$me" ] && continue
  [[ "$ancestors" == *" $pid "* ]] && continue
  pids+="$pid "
done
for p in $pids; do kill -STOP "$p" 2>/dev/null; done
trap 'for p in $pids; do kill -CONT "$p" 2>/dev/null; done' EXIT
sleep 1
check() { echo "# cores $1: $(OMP_PROC_BIND=close "$fma" 1 3 | tail -1) | $(OMP_PROC_BIND=close "$fma" 2 3 | tail -1)"; }
check before
"$@"
rc=$?
check after
exit $rc
