#!/usr/bin/env python3
"""Summarises run-rounds.sh's folder: per (network, threads) each library's median training and inference
examples/s over the rounds (each round's figure is that run's median over its passes), and Theta's ratio to
the best peer: of the medians, and its range over the rounds (each round's Theta against that round's best peer).
PyTorch's 2-thread figure is, in each round, the better of its two OpenBLAS settings (run-train.sh says why)."""
import glob, json, os, re, statistics, sys

folder = sys.argv[1]
line = re.compile(r"^(?P<lib>pytorch\S*|torchsharp\S*)\s+thr=(?P<t>\d+)\s+(?P<net>\S+)\s+train ex/s min=\s*(?P<tmin>\d+)\s+med=\s*(?P<tmed>\d+)"
                  r"\s+max=\s*\d+\s*\|\s*infer\(b256\) ex/s min=\s*\d+\s+med=\s*(?P<imed>\d+)")
rounds = sorted(int(re.search(r"(\d+)\.json$", f).group(1)) for f in glob.glob(os.path.join(folder, "theta-*.json")))
if not rounds:
    sys.exit(f"summarize-rounds: no theta-N.json in {folder}")
# fig[(net, threads)][library] = list over rounds of (train, infer)
fig = {}
for r in rounds:
    with open(os.path.join(folder, f"theta-{r}.json")) as f:
        for row in json.load(f):
            fig.setdefault((row["network"], row["threads"]), {}).setdefault("Theta", []).append(
                (row["trainExamplesPerSecond"], row["inferExamplesPerSecond"]))
    best = {}
    peers = os.path.join(folder, f"peers-{r}.txt")
    for text in open(peers) if os.path.exists(peers) else []:
        m = line.match(text)
        if not m:
            continue
        lib = "PyTorch" if m["lib"].startswith("pytorch") else "TorchSharp"
        key = (m["net"], int(m["t"]), lib)
        train, infer = int(m["tmed"]), int(m["imed"])
        old = best.get(key)   # PyTorch at 2 threads: the better OpenBLAS setting, for training and inference apart
        best[key] = (max(old[0], train), max(old[1], infer)) if old else (train, infer)
    for (net, t, lib), v in best.items():
        fig.setdefault((net, t), {}).setdefault(lib, []).append(v)

order = {"mlp_relu": 0, "mlp_sigmoid": 1, "cnn": 2}
print(f"rounds: {len(rounds)}; figures are medians over the rounds of each run's median examples/s")
print("| network | threads | Theta train | PyTorch | TorchSharp | ratio to best | per-round ratios | Theta infer b256 | best peer infer | ratio |")
print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|")
for (net, t) in sorted(fig, key=lambda k: (order.get(k[0], 9), k[1])):
    libs = fig[(net, t)]
    med = {lib: (statistics.median(v[0] for v in vals), statistics.median(v[1] for v in vals)) for lib, vals in libs.items()}
    peers = [lib for lib in ("PyTorch", "TorchSharp") if lib in med]
    if "Theta" not in med or not peers:
        continue
    bt = max(med[p][0] for p in peers); bi = max(med[p][1] for p in peers)
    bi_name = max(peers, key=lambda p: med[p][1])
    n = min(len(libs[lib]) for lib in ["Theta"] + peers)
    per = sorted(libs["Theta"][i][0] / max(libs[p][i][0] for p in peers) for i in range(n))
    cell = lambda lib: f"{med[lib][0]:,.0f}" if lib in med else "–"
    print(f"| {net} | {t} | {med['Theta'][0]:,.0f} | {cell('PyTorch')} | {cell('TorchSharp')} | {med['Theta'][0] / bt:.2f}× | "
          f"{' '.join(f'{x:.2f}' for x in per)} | {med['Theta'][1]:,.0f} | {bi:,.0f} ({'PT' if bi_name == 'PyTorch' else 'TS'}) | {med['Theta'][1] / bi:.2f}× |")
