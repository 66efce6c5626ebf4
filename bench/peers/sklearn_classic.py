"""scikit-learn on exactly Theta's classic benchmark data (written by `theta bench classic --export DIR`).
Fits LogisticRegression() (lbfgs, C=1) and BernoulliNB(alpha=1) on DIR/train.csv, scores DIR/test.csv.
Usage: /usr/bin/python3 bench/peers/sklearn_classic.py DIR --threads N [--reps 5]
Needs Debian's python3-sklearn (apt-get install -y python3-sklearn). Only the fit is timed."""
import argparse, os, statistics, time
ap = argparse.ArgumentParser()
ap.add_argument("dir"); ap.add_argument("--threads", type=int, default=1); ap.add_argument("--reps", type=int, default=5)
a = ap.parse_args()
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = str(a.threads)
import numpy as np, sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import BernoulliNB

def load(name):
    m = np.loadtxt(os.path.join(a.dir, name), delimiter=",", skiprows=1, dtype=np.float64)
    return m[:, :-1], m[:, -1].astype(np.int64)

Xtr, ytr = load("train.csv"); Xte, yte = load("test.csv")
print("# sklearn %s numpy %s threads=%d  train %dx%d, test %d (Theta's exported data)" % (sklearn.__version__, np.__version__, a.threads, *Xtr.shape, len(yte)))
print("%-28s %8s %8s %8s  %9s %9s %s" % ("model", "fit_min", "fit_med", "fit_max", "train_acc", "test_acc", "notes"))
for name, make in [("LogisticRegression(lbfgs)", lambda: LogisticRegression(max_iter=1000)),
                   ("BernoulliNB(alpha=1)", lambda: BernoulliNB(alpha=1.0))]:
    ts = []
    for r in range(a.reps + 1):
        m = make(); t0 = time.perf_counter(); m.fit(Xtr, ytr); dt = time.perf_counter() - t0
        if r: ts.append(dt)  # the first fit is a warm-up
    note = "n_iter=%d" % m.n_iter_[0] if hasattr(m, "n_iter_") else ""
    print("%-28s %8.3f %8.3f %8.3f  %9.4f %9.4f %s" % (name, min(ts), statistics.median(ts), max(ts), m.score(Xtr, ytr), m.score(Xte, yte), note), flush=True)
