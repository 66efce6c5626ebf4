#!/usr/bin/python3
"""The peer of `theta bench allreduce`: the same protocol through mpi4py (Debian python3-mpi4py) over the same
Open MPI. Run: mpirun -np 2 /usr/bin/python3 bench/mpi/allreduce_mpi4py.py [--reps 7]. Prints the same JSON."""
import json, sys, time
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
reps = int(sys.argv[sys.argv.index("--reps") + 1]) if "--reps" in sys.argv else 7
sizes = [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20]
out = []
for nbytes in sizes:
    data = np.full(nbytes // 4, rank + 1, dtype=np.float32)
    comm.Allreduce(MPI.IN_PLACE, data, op=MPI.SUM)
    assert data[0] == size * (size + 1) / 2
    for _ in range(3):
        comm.Allreduce(MPI.IN_PLACE, data, op=MPI.SUM)
    t = time.perf_counter()
    comm.Allreduce(MPI.IN_PLACE, data, op=MPI.SUM)
    calls = comm.bcast(min(100_000, max(1, int(np.ceil(0.05 / max(time.perf_counter() - t, 1e-7))))), root=0)
    times = []
    for _ in range(reps):
        data.fill(1)
        comm.Barrier()
        t = time.perf_counter()
        for _ in range(calls):
            comm.Allreduce(MPI.IN_PLACE, data, op=MPI.SUM)
        times.append((time.perf_counter() - t) / calls)
    s = float(np.median(times))
    out.append({"bytes": nbytes, "ranks": size, "seconds": s, "algbw": nbytes / s / 1e9, "busbw": nbytes * 2 * (size - 1) / size / s / 1e9})
if rank == 0:
    print(json.dumps(out))
