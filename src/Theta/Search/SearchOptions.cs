namespace Theta.Search;

/// <summary>
/// How <see cref="ModelSearch"/> runs. Checked when made and when varied with <c>with</c>.
/// </summary>
/// <param name="Budget">Wall-clock time for the whole search, the final fit included (default 10 minutes).
/// It decides the first rung (how many candidates, how many epochs) up front; the later rungs are re-planned after each
/// rung at the pace the machine showed, a figure recorded in <see cref="SearchPlan.Cost"/>; the rungs run in
/// deterministic units of work, so the leaderboard does not depend on thread timing.</param>
/// <param name="Folds">k of the k-fold cross-validation on the training data (≥ 2; default 5).</param>
/// <param name="Seed">Seeds the candidates, the folds, every initialisation and shuffle (default 1).</param>
/// <param name="Ensemble">The result averages the probabilities (or predictions) of the top this many candidates,
/// each refitted on all the training data (default 1: the best candidate alone).</param>
/// <param name="Workers">Candidates trained at once, one per core (default 0: <see cref="Environment.ProcessorCount"/>).
/// Results do not depend on it.</param>
/// <param name="Cost">The cost figures the plan assumes (default null: a, b, u measured by a calibration of about a second and
/// each rung's pace by the clock). Given, the whole search is a pure function of the seed, the data, the budget and the figures:
/// two runs with the same seed and cost give the same leaderboard, whatever the thread timing. Given with
/// <see cref="CostModel.Start"/> and <see cref="CostModel.Paces"/> (as <see cref="SearchPlan.Cost"/> reports them), it repeats a
/// measured run exactly; given as a, b, u alone, the rungs are re-planned in predicted work only.</param>
/// <param name="Eta">Successive halving keeps the best 1/η of each rung and trains them η times longer (≥ 2; default 3).</param>
/// <param name="MaxCandidates">The most candidates the first rung may hold (default 729).</param>
/// <param name="MinExamples">Each fold model sees at least this many examples in the first rung (and at least one epoch; default 2048),
/// so that the first ranking is more than noise.</param>
/// <param name="MaxEpochs">The most epochs any candidate reaches (default 1000): beyond that the budget is left unused, with a warning.</param>
/// <param name="ClockGuard">Stop a run that is about to overshoot its budget at its last finished rung (default true). The plan
/// is followed in predicted work, so this only happens when the cost model is far off (a machine busy with other work);
/// false follows the plan to its end whatever the clock says, so that a run with a given <paramref name="Cost"/> is always reproducible.</param>
/// <param name="Space">What is drawn (default <see cref="SearchSpace"/>'s defaults).</param>
public sealed record SearchOptions(
    TimeSpan? Budget = null,
    int Folds = 5,
    ulong Seed = 1,
    int Ensemble = 1,
    int Workers = 0,
    CostModel? Cost = null,
    int Eta = 3,
    int MaxCandidates = 729,
    int MinExamples = 2048,
    int MaxEpochs = 1000,
    bool ClockGuard = true,
    SearchSpace? Space = null)
{
    public TimeSpan BudgetTime => Budget ?? TimeSpan.FromMinutes(10);
    public TimeSpan? Budget { get; init; } = Budget is not { } b || b > TimeSpan.Zero ? Budget : throw Bad(nameof(Budget), Budget, "positive");
    public int Folds { get; init; } = Folds >= 2 ? Folds : throw Bad(nameof(Folds), Folds, "at least 2");
    public int Ensemble { get; init; } = Ensemble >= 1 ? Ensemble : throw Bad(nameof(Ensemble), Ensemble, "at least 1");
    public int Workers { get; init; } = Workers >= 0 ? Workers : throw Bad(nameof(Workers), Workers, "≥ 0 (0 = one per core)");
    public int Eta { get; init; } = Eta >= 2 ? Eta : throw Bad(nameof(Eta), Eta, "at least 2");
    public int MaxCandidates { get; init; } = MaxCandidates >= 1 ? MaxCandidates : throw Bad(nameof(MaxCandidates), MaxCandidates, "at least 1");
    public int MinExamples { get; init; } = MinExamples >= 1 ? MinExamples : throw Bad(nameof(MinExamples), MinExamples, "at least 1");
    public int MaxEpochs { get; init; } = MaxEpochs >= 1 ? MaxEpochs : throw Bad(nameof(MaxEpochs), MaxEpochs, "at least 1");

    /// <summary>The search space.</summary>
    public SearchSpace SpaceOrDefault => Space ?? new SearchSpace();

    /// <summary>The number of workers actually used.</summary>
    public int WorkerCount => Workers == 0 ? Environment.ProcessorCount : Workers;

    private static ArgumentException Bad(string field, object? value, string what) => new($"SearchOptions: {field} must be {what}, got {value}", field);
}
