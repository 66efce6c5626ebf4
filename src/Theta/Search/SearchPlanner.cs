namespace Theta.Search;

/// <summary>
/// The arithmetic of the plan, in predicted worker-seconds (<see cref="CostModel"/>). A ladder of rungs holds
/// s₀ = n₀ candidates, then ⌈s/η⌉ each rung down to at most max(ensemble, η); rung r trains its candidates to
/// E_r = E₀·ηʳ epochs in all, so every rung costs about the same. The final fit of the top m on all rows at
/// E_last epochs is part of the work. The plan takes the most candidates n₀ whose first rung still gets E₀ ≥ E_min.
/// </summary>
internal static class SearchPlanner
{
    /// <summary>Candidates per rung for a first rung of <paramref name="n0"/>.</summary>
    public static int[] Ladder(int n0, int eta, int ensemble)
    {
        int last = Math.Max(ensemble, eta);
        var sizes = new List<int> { n0 };
        while (sizes[^1] > last) sizes.Add(Math.Max(last, (sizes[^1] + eta - 1) / eta));
        return [.. sizes];
    }

    /// <summary>
    /// Mean costs per candidate: <paramref name="meanCvEpoch"/> one epoch on every fold, <paramref name="meanCvEval"/> one scoring of every fold;
    /// <paramref name="finalPerEpoch"/> the final fit per epoch. Returns E₀ for the ladder <paramref name="sizes"/> (NaN when the work cannot pay even for the evaluations).
    /// </summary>
    public static double FirstEpochs(int[] sizes, double eta, double meanCvEpoch, double meanCvEval, double finalPerEpoch, double work)
    {
        double a = 0, evals = 0, prev = 0;
        for (int r = 0; r < sizes.Length; r++)
        {
            double e = Math.Pow(eta, r);
            a += sizes[r] * meanCvEpoch * (e - prev);
            evals += sizes[r] * meanCvEval;
            prev = e;
        }
        double denom = a + finalPerEpoch * Math.Pow(eta, sizes.Length - 1);
        return work > evals ? (work - evals) / denom : double.NaN;
    }

    /// <summary>
    /// Re-plans the rungs after <paramref name="from"/>: E_j = E_from·γ^(j − from), γ ∈ [1, γmax] by bisection so that
    /// the remaining rungs and the final fit cost <paramref name="work"/> (γ = 1 when even no training does not fit).
    /// When γmax (<paramref name="maxEpochs"/> in the last rung) still leaves work unspent, the later rungs keep more
    /// candidates: s_j' = min(s_(j−1)', ⌈ψ·s_j⌉), the largest ψ whose cost fits. Returns the epochs and the sizes.
    /// </summary>
    public static (double[] Epochs, int[] Sizes) Replan(int[] sizes, int from, double epochsFrom, double meanCvEpoch, double meanCvEval, double finalPerEpoch, double work, double maxEpochs)
    {
        int left = sizes.Length - 1 - from;
        double Cost(double g, int[] s)
        {
            double c = 0, prev = epochsFrom;
            for (int j = from + 1; j < s.Length; j++)
            {
                double e = epochsFrom * Math.Pow(g, j - from);
                c += s[j] * (meanCvEpoch * (e - prev) + meanCvEval);
                prev = e;
            }
            return c + finalPerEpoch * prev;
        }
        int[] Widen(double psi)
        {
            var s = sizes.ToArray();
            for (int j = from + 1; j < s.Length; j++) s[j] = Math.Min(s[j - 1], (int)Math.Ceiling(sizes[j] * psi - 1e-9));
            return s;
        }
        double lo = 1, hi = Math.Max(1, Math.Pow(maxEpochs / epochsFrom, 1.0 / Math.Max(left, 1)));
        double gamma;
        var widened = sizes;
        if (Cost(lo, sizes) >= work) gamma = 1;
        else if (Cost(hi, sizes) <= work)
        {
            gamma = hi;
            double pl = 1, ph = (double)sizes[from] / Math.Max(1, sizes[Math.Min(from + 1, sizes.Length - 1)]);
            if (left > 0 && Cost(hi, Widen(ph)) <= work) pl = ph;
            else for (int i = 0; i < 40; i++) { double mid = (pl + ph) / 2; if (Cost(hi, Widen(mid)) > work) ph = mid; else pl = mid; }
            widened = Widen(pl);
        }
        else
        {
            for (int i = 0; i < 60; i++) { double mid = (lo + hi) / 2; if (Cost(mid, sizes) > work) hi = mid; else lo = mid; }
            gamma = lo;
        }
        return ([.. Enumerable.Range(0, sizes.Length).Select(j => j <= from ? double.NaN : epochsFrom * Math.Pow(gamma, j - from))], widened);
    }
}
