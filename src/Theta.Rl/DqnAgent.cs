using System.Numerics.Tensors;
using Theta.Explain;
using Theta.Nn;
using Theta.Optim;

namespace Theta.Rl;

/// <summary>
/// A deep Q-learning agent (Mnih et al. 2015; ConvNetJS's <c>deepqlearn.Brain</c> is the reference), over a
/// Theta <see cref="Sequential"/> Q(s, ·) of <c>Linear → ReLU → … → Linear</c> giving one value per action.
/// <para>The state s_t is the current observation followed by the last <see cref="DqnOptions.TemporalWindow"/>
/// (observation, action) pairs, newest first, each action one-hot and scaled by the observation size
/// (59 inputs for the reference). Until that history is full, actions are random and nothing is remembered.</para>
/// <para>Each tick: <see cref="Act"/> picks argmax_a Q(s_t, a), or with probability ε a uniform random action;
/// <see cref="Observe(double, ReadOnlySpan{float})"/> stores (s_t, a_t, r_t, s_{t+1}) in the replay memory; <see cref="Learn"/> samples a batch
/// and takes one optimizer step on the mean over it of the loss (<see cref="DqnOptions.Loss"/>) of the TD error
/// Q(s, a) − y, y = r + γ·max_a′ Q̂(s′, a′) (with n-step returns, <see cref="DqnOptions.NSteps"/>, r is the discounted sum of
/// n rewards and s′ the state n ticks later, discounted by γⁿ), where Q̂ is the network itself (the reference), the target
/// network (<see cref="DqnOptions.TargetSync"/>), or, with Double DQN, the target's value of the trained
/// network's argmax. y is a constant: no gradient flows through it.</para>
/// <para>ε while learning: 1 for the first <see cref="DqnOptions.EpsilonBurnIn"/> observed steps, then linear down
/// to <see cref="DqnOptions.EpsilonMin"/> at <see cref="DqnOptions.EpsilonSteps"/>; with learning off,
/// <see cref="DqnOptions.EpsilonTest"/>. Every random choice comes from the agent's seeded <see cref="Rng"/>, so
/// a seed and the same observations give the same actions and weights.</para>
/// <para>A learning step is Theta's autograd inside a <see cref="TensorArena"/> scope: the forward of the batch through the
/// network (or, with <see cref="DqnOptions.Dueling"/>, its hidden layers and a <see cref="DuelingHead"/>), backward from
/// dL/dQ, which is written by hand because it is also each experience's TD error for prioritised replay, and a step of
/// the optimizer that <see cref="Optimizers.Create"/> makes.</para>
/// </summary>
public sealed class DqnAgent : ICritterBrain
{
    private readonly Rng _rng;
    private readonly int _n, _actions, _width;          // observation size, action count, net input size
    private readonly Sequential _trained;               // what learning differentiates: Network, or its hidden layers and a DuelingHead
    private readonly Linear[] _trainedLinears;          // its Linear layers (L2 decays their weights)
    private readonly DuelingHead? _head;                // dueling: the trained [V, A] head …
    private readonly Linear? _qOut;                     // … and the Network's last Linear it folds into
    private readonly (Tensor Live, Tensor Target)[] _sync = []; // TargetSync: each parameter of Network and of TargetNetwork
    private readonly TensorArena _arena = new();
    private readonly int[] _shownLayers;                // the layers whose outputs LastActivations gives: after each ReLU, then Q
    private IReadOnlyList<LayerActivation>? _lastActs;  // every layer's output for the last Greedy
    private readonly (Tensor Live, Tensor Mean)[] _averaged = []; // AverageWeights: each parameter of Network and of AveragedNetwork
    private readonly Optimizer _opt;
    private readonly CosineAnnealing? _schedule;
    private readonly ReplayMemory _memory;
    private readonly float[] _state, _next, _history;   // s_t; s_{t+1}; the past pairs [W·(n + actions)]
    private int _historyCount, _action = -1;
    private bool _stateFull;
    // n-step returns: the last n (s, a, r) not yet stored, oldest at _pendingHead
    private readonly float[] _pendingS, _pendingR, _pendingC;
    private readonly int[] _pendingA;
    private int _pendingHead, _pendingCount;
    private readonly float _gammaN;
    // batch buffers, and tensors viewing them
    private readonly float[] _bS, _bNext, _bR, _bC, _y, _dQ;
    // PoisonBudget / ApplesPerPoison: the greedy ticks, apples and poison of the budget's current window
    private long _budgetTicks, _budgetApples, _budgetPoison;
    private readonly Tensor _bSt, _bNextT, _dQt;
    private readonly int[] _bA, _bRows;
    private readonly float[] _bW;
    private readonly float[] _lastQ, _actIn;

    /// <summary>A fresh agent with a new network drawn from <paramref name="seed"/> (which also drives exploration and replay).</summary>
    public DqnAgent(DqnOptions options, ulong seed) : this(options, null, seed) { }

    /// <summary>
    /// An agent around <paramref name="network"/> (a trained brain; null draws a new one, ConvNetJS's way:
    /// weights ~ N(0, 1/fan_in), biases 0.1 before a ReLU, 0 on the output).
    /// </summary>
    public DqnAgent(DqnOptions options, Sequential? network, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        TestEpsilon = options.EpsilonTest;
        _rng = new Rng(seed);
        _n = options.Observations;
        _actions = Critter.ActionCount;
        _width = options.NetInputs();
        Network = network ?? NewNetwork(options, _width, _actions, _rng);
        var linears = Layers(Network);
        if (linears[0].InFeatures != _width || linears[^1].OutFeatures != _actions)
            throw new ArgumentException($"DqnAgent: the network maps {linears[0].InFeatures} inputs to {linears[^1].OutFeatures} values, but a critter with temporal window {options.TemporalWindow} gives {_width} inputs and has {_actions} actions");
        int B = options.BatchSize;
        _trained = Network;
        if (options.Dueling)
        {
            // Learning runs on the hidden layers and a [V, A] head; the Network's last Linear is the head folded after every step.
            _qOut = linears[^1];
            _head = new DuelingHead(DuelingHead.Unfold(_qOut));
            _trained = new Sequential([.. Enumerable.Range(0, Network.Count - 1).Select(i => Network[i]), _head]);
        }
        _trainedLinears = [.. linears[..^1], _head?.Linear ?? linears[^1]];
        _shownLayers = [.. Mlp.HiddenOutputs(Network), Network.Count - 1];
        if (options.TargetSync > 0)
        {
            TargetNetwork = Clone(Network);
            _sync = [.. Network.Parameters().Zip(TargetNetwork.Parameters())];
        }
        if (options.AverageWeights > 0)
        {
            AveragedNetwork = Clone(Network);
            _averaged = [.. Network.Parameters().Zip(AveragedNetwork.Parameters())];
        }
        _opt = Optimizers.Create(options.Optimizer, _trained.Parameters(), options.LearningRate);
        if (options.AnnealSteps > 0) _schedule = new CosineAnnealing(options.LearningRate, options.AnnealSteps, options.MinLearningRate);
        _memory = new ReplayMemory(options.ReplaySize, _width, options.PriorityAlpha);
        _state = new float[_width];
        _next = new float[_width];
        _history = new float[_width - _n];
        _bS = new float[B * _width];
        _bNext = new float[B * _width];
        _bR = new float[B];
        _bC = new float[B];
        _bA = new int[B];
        _bRows = new int[B];
        _bW = new float[B];
        _y = new float[B];
        _dQ = new float[B * _actions];
        _bSt = Tensor.View(_bS, 0, B, _width);
        _bNextT = Tensor.View(_bNext, 0, B, _width);
        _dQt = Tensor.View(_dQ, 0, B, _actions);
        _lastQ = new float[_actions];
        _actIn = new float[_width];
        int n = options.NSteps;
        _pendingS = new float[n * _width];
        _pendingR = new float[n];
        _pendingC = new float[n];
        _pendingA = new int[n];
        _gammaN = MathF.Pow(options.Gamma, n);
        PoisonPenalty = Math.Max(1.0, -options.PoisonReward);
    }

    /// <summary>
    /// λ of <see cref="DqnOptions.PoisonBudget"/>: what the learner's reward charges for a poison now (the Lagrange multiplier of
    /// its poison budget). It starts at −<see cref="DqnOptions.PoisonReward"/> (at least 1) and moves only with the budget on.
    /// </summary>
    public double PoisonPenalty { get; internal set; }

    /// <summary>How many times <see cref="PoisonPenalty"/> has been updated.</summary>
    public int BudgetUpdates { get; private set; }

    /// <summary>The settings.</summary>
    public DqnOptions Options { get; }

    /// <inheritdoc/>
    public int Inputs => _n;

    /// <summary>The Q-network being trained (what <see cref="BrainFile.Save"/> writes).</summary>
    public Sequential Network { get; }

    /// <summary>The target network, or null without one.</summary>
    public Sequential? TargetNetwork { get; }

    /// <summary>The running average of <see cref="Network"/>'s weights (<see cref="DqnOptions.AverageWeights"/>), or null without one.</summary>
    public Sequential? AveragedNetwork { get; }

    /// <summary>Whether <see cref="Observe(double, ReadOnlySpan{float})"/> remembers and <see cref="Learn"/> trains; off, ε is <see cref="DqnOptions.EpsilonTest"/>.</summary>
    public bool Learning { get; set; } = true;

    /// <summary>Steps observed while learning (the clock of the ε schedule).</summary>
    public long Age { get; private set; }

    /// <summary>Optimizer steps taken.</summary>
    public long LearnSteps { get; private set; }

    /// <summary>
    /// Call after writing new weights into <see cref="Network"/>: a dueling head is unfolded from its last layer again, so
    /// that further learning starts from these weights and not from the head's last ones (its Adam moments stay).
    /// </summary>
    public void NetworkReplaced()
    {
        if (_head is not null) DuelingHead.Unfold(_qOut!, _head.Linear);
    }

    /// <summary>The replay memory (for tests).</summary>
    internal ReplayMemory Memory => _memory;

    /// <summary>Experiences in the replay memory.</summary>
    public int MemoryCount => _memory.Count;

    /// <summary>The ε the next <see cref="Act"/> uses: the schedule while learning, else <see cref="TestEpsilon"/>.</summary>
    public double Epsilon => Learning ? ScheduledEpsilon(Age) : TestEpsilon;

    /// <summary>ε with learning off; starts at <see cref="DqnOptions.EpsilonTest"/>. Must be in [0, 1].</summary>
    public double TestEpsilon
    {
        get;
        set => field = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(TestEpsilon), value, $"ε must be in [0, 1], got {value}");
    }

    /// <summary>The network's input for the last <see cref="Act"/> (s_t).</summary>
    public ReadOnlySpan<float> LastInput => _state;

    /// <summary>Q(s_t, ·) of the last <see cref="Act"/> that consulted the network (zeros before any).</summary>
    public ReadOnlySpan<float> LastQ => _lastQ;

    /// <summary>Whether the last action came from the network (false: a random one).</summary>
    public bool LastWasGreedy { get; private set; }

    /// <summary>ε after <paramref name="age"/> learning steps: 1 until the burn-in, then linear to the floor at <see cref="DqnOptions.EpsilonSteps"/>.</summary>
    public double ScheduledEpsilon(long age)
    {
        var o = Options;
        double e = 1.0 - (double)(age - o.EpsilonBurnIn) / (o.EpsilonSteps - o.EpsilonBurnIn);
        return Math.Min(1.0, Math.Max(o.EpsilonMin, e));
    }

    /// <inheritdoc/>
    public int Act(ReadOnlySpan<float> observation)
    {
        if (observation.Length != _n) throw new ArgumentException($"DqnAgent.Act: {observation.Length} observations, {_n} expected");
        observation.CopyTo(_state);
        _history.CopyTo(_state.AsSpan(_n));
        _stateFull = _historyCount >= Options.TemporalWindow;
        LastWasGreedy = _stateFull && _rng.NextDouble() >= Epsilon;
        _action = LastWasGreedy ? Greedy(_state) : _rng.NextInt(_actions);
        return _action;
    }

    /// <summary>argmax_a Q(s, a) for one net input (the first of equal values); Q lands in <see cref="LastQ"/>.</summary>
    public int Greedy(ReadOnlySpan<float> netInput)
    {
        if (netInput.Length != _width) throw new ArgumentException($"DqnAgent.Greedy: {netInput.Length} inputs, {_width} expected");
        netInput.CopyTo(_actIn);
        _lastActs = Activations.Run(Network, Tensor.View(_actIn, 0, 1, _width));
        var q = _lastActs[^1].Output.Data;
        q.CopyTo(_lastQ);
        return ArgMax(q);
    }

    /// <summary>Q(s, ·) from the learning stack (the dueling head when on) for one net input, for tests: it must equal <see cref="Greedy"/>'s.</summary>
    internal float[] DuelingQ(ReadOnlySpan<float> netInput)
    {
        using var _ = Autograd.NoGrad();
        return _trained.Forward(Tensor.FromSpan(netInput, 1, _width)).ToArray();
    }

    /// <summary>The activations of every layer (after each ReLU, then Q) for the last <see cref="Greedy"/> evaluation (empty before any).</summary>
    public IReadOnlyList<float[]> LastActivations() => [.. _shownLayers.Select(i => _lastActs?[i].Output.ToArray() ?? [])];

    /// <inheritdoc/>
    public void Observe(double reward, ReadOnlySpan<float> next) => Observe(reward, 0, next);

    // The reward, the poison that the budget prices apart (0 without it), and s_{t+1}.
    private void Observe(double reward, double poison, ReadOnlySpan<float> next)
    {
        if (_action < 0) throw new InvalidOperationException("DqnAgent.Observe: call Act first");
        if (next.Length != _n) throw new ArgumentException($"DqnAgent.Observe: {next.Length} observations, {_n} expected");
        // The history becomes (x_t, a_t), then the older pairs, dropping the oldest.
        int pair = _n + _actions;
        if (Options.TemporalWindow > 0)
        {
            _history.AsSpan(0, _history.Length - pair).CopyTo(_history.AsSpan(pair));
            _state.AsSpan(0, _n).CopyTo(_history);
            var onehot = _history.AsSpan(_n, _actions);
            onehot.Clear();
            onehot[_action] = _n; // scaled, as the reference: one bit among 27 inputs would be drowned by weight decay
            _historyCount = Math.Min(Options.TemporalWindow, _historyCount + 1);
        }
        if (Learning)
        {
            Age++;
            if (_stateFull)
            {
                next.CopyTo(_next);
                _history.CopyTo(_next.AsSpan(_n));
                float shaping = Options.ShapeApple > 0 || Options.ShapePoison > 0
                    ? Options.Gamma * Potential(next[..Critter.Inputs], Options) - Potential(_state.AsSpan(0, Critter.Inputs), Options) : 0f;
                Remember((float)(reward * Options.RewardScale) + shaping, (float)(poison * Options.RewardScale));
            }
        }
        else _pendingCount = 0; // a gap in learning breaks the chain of n-step returns
        _action = -1;
    }

    /// <summary>
    /// <see cref="Observe(double, ReadOnlySpan{float})"/> with the learner's reward for <paramref name="result"/>: the world's
    /// reward, or with <see cref="DqnOptions.ProximityWeight"/> and its kin set, the parts weighed by them.
    /// </summary>
    public void Observe(TickResult result, ReadOnlySpan<float> next)
    {
        var o = Options;
        if (o.WorldReward) { Observe(result.Reward, next); return; }
        double rest = o.ProximityWeight * result.Proximity + o.ForwardWeight * result.Forward + o.AppleReward * result.Apples + o.NoveltyWeight * result.Novelty;
        if (!o.HasPoisonBudget) { Observe(rest + o.PoisonReward * result.Poison, next); return; }
        if (Learning && LastWasGreedy) Budget(result.Apples, result.Poison);
        Observe(rest, result.Poison, next);
    }

    // The budget's dual ascent: count a greedy tick; after BudgetWindow of them, with B the poisons the budget allows in the window
    // (PoisonBudget per 1,000 ticks, or the window's apples over ApplesPerPoison), λ ← λ·exp(η·(poison − B)/B), kept in [1, BudgetCeiling]
    // (for the ratio the division is by no less than 1/K: (K·poison − apples)/max(apples, 1)).
    private void Budget(int apples, int poison)
    {
        var o = Options;
        _budgetTicks++;
        _budgetApples += apples;
        _budgetPoison += poison;
        if (_budgetTicks < o.BudgetWindow) return;
        bool ratio = o.ApplesPerPoison > 0;
        double allowed = ratio ? _budgetApples / (double)o.ApplesPerPoison : o.PoisonBudget * o.BudgetWindow / 1000.0;
        double scale = ratio ? Math.Max(1.0, _budgetApples) / o.ApplesPerPoison : allowed;
        PoisonPenalty = Math.Clamp(PoisonPenalty * Math.Exp(o.BudgetRate * (_budgetPoison - allowed) / scale), 1.0, o.BudgetCeiling);
        BudgetUpdates++;
        (_budgetTicks, _budgetApples, _budgetPoison) = (0, 0, 0);
    }

    // Queues (s_t, a_t, r_t, c_t); once n are queued, stores (s_{t−n+1}, a_{t−n+1}, Σ_k γ^k r_{t−n+1+k}, s_{t+1}, Σ_k γ^k c_{t−n+1+k}).
    private void Remember(float reward, float cost)
    {
        int n = Options.NSteps;
        int slot = (_pendingHead + _pendingCount) % n;
        _state.CopyTo(_pendingS.AsSpan(slot * _width, _width));
        _pendingA[slot] = _action;
        _pendingR[slot] = reward;
        _pendingC[slot] = cost;
        if (++_pendingCount < n) return;
        float ret = 0, retC = 0, g = 1;
        for (int k = 0; k < n; k++, g *= Options.Gamma)
        {
            ret += g * _pendingR[(_pendingHead + k) % n];
            retC += g * _pendingC[(_pendingHead + k) % n];
        }
        _memory.Add(_pendingS.AsSpan(_pendingHead * _width, _width), _pendingA[_pendingHead], ret, _next, _rng, retC);
        _pendingHead = (_pendingHead + 1) % n;
        _pendingCount--;
    }

    /// <inheritdoc/>
    public double Learn()
    {
        if (!Learning || _memory.Count <= Options.LearnStart) return double.NaN;
        double loss = 0;
        for (int k = 0; k < Options.UpdatesPerTick; k++) loss += LearnStep();
        return loss / Options.UpdatesPerTick;
    }

    // One optimizer step on one sampled batch: the mean loss.
    private double LearnStep()
    {
        var o = Options;
        int B = o.BatchSize, A = _actions;
        double beta = o.PriorityBeta + (1 - o.PriorityBeta) * Math.Min(1.0, (double)LearnSteps / o.PriorityBetaSteps);
        _memory.Sample(_rng, _bS, _bNext, _bA, _bR, _bRows, _bW, beta, _bC);
        float penalty = (float)PoisonPenalty; // the budget's λ prices the remembered poison c (0 without a budget)

        double loss = 0;
        using (_arena.Use())
        {
            // Targets y = r + γ·Q̂(s′, ·) at the chosen a′; no gradient flows through y.
            using (Autograd.NoGrad())
            {
                var qn = (o.DoubleDqn ? _trained : TargetNetwork ?? _trained).Forward(_bNextT).Data;
                var qt = o.DoubleDqn ? TargetNetwork!.Forward(_bNextT).Data : qn; // Double DQN: the trained network chooses, the target judges
                for (int b = 0; b < B; b++) _y[b] = _bR[b] - penalty * _bC[b] + _gammaN * qt[b * A + ArgMax(qn.Slice(b * A, A))];
            }

            // The mean loss over the batch on the taken actions' values; dL/dQ is zero elsewhere.
            var q = _trained.Forward(_bSt);
            var qd = q.Data;
            Array.Clear(_dQ);
            for (int b = 0; b < B; b++)
            {
                int i = b * A + _bA[b];
                float d = qd[i] - _y[b];
                (double l, float g) = TdLossAndGradient(o.Loss, d, o.HuberDelta);
                if (_memory.Prioritized)
                {
                    _memory.UpdatePriority(_bRows[b], d);
                    (l, g) = (l * _bW[b], g * _bW[b]);
                }
                loss += l;
                _dQ[i] = g / B;
            }
            _opt.ZeroGrad();
            q.Backward(_dQt);
        }
        if (o.L2 > 0)
            foreach (var lin in _trainedLinears) // ConvNetJS: (λ·w + Σ g)/B, weights only
                TensorPrimitives.MultiplyAdd(lin.Weight.Data, o.L2 / B, lin.Weight.Grad!.Data, lin.Weight.Grad!.Data);
        _schedule?.Apply(_opt, (int)Math.Min(LearnSteps, int.MaxValue));
        _opt.Step();
        if (_head is not null) DuelingHead.Fold(_head.Linear, _qOut!);
        foreach (var (live, mean) in _averaged) // m ← m + τ·(θ − m) = (1 − τ)·m + τ·θ
            TensorPrimitives.Lerp(mean.Data, live.Data, o.AverageWeights, mean.Data);
        LearnSteps++;
        if (o.TargetSync > 0 && LearnSteps % o.TargetSync == 0)
            foreach (var (live, target) in _sync) live.Data.CopyTo(target.Data);
        return loss / B;
    }

    /// <summary>
    /// The shaping potential of observation <paramref name="x"/> (27 eye inputs [wall, red, green] per eye):
    /// Φ = c_apple·(1 − min_k red_k) − c_poison·(1 − min_k green_k), <see cref="DqnOptions.ShapeApple"/> and <see cref="DqnOptions.ShapePoison"/>.
    /// </summary>
    public static float Potential(ReadOnlySpan<float> x, DqnOptions options)
    {
        if (x.Length != Critter.Inputs) throw new ArgumentException($"DqnAgent.Potential: {x.Length} observations, {Critter.Inputs} expected");
        float red = 1f, green = 1f;
        for (int k = 0; k < Critter.Eyes; k++)
        {
            red = MathF.Min(red, x[k * Critter.InputsPerEye + (int)Sensed.Apple]);
            green = MathF.Min(green, x[k * Critter.InputsPerEye + (int)Sensed.Poison]);
        }
        return options.ShapeApple * (1f - red) - options.ShapePoison * (1f - green);
    }

    /// <summary>The loss of TD error d and its derivative: ½d² and d, or Huber(δ): ½d² and d for |d| ≤ δ, δ(|d| − ½δ) and δ·sign(d) beyond.</summary>
    public static (double Loss, float Gradient) TdLossAndGradient(TdLoss loss, float d, float delta)
    {
        if (loss == TdLoss.Squared || Math.Abs(d) <= delta) return (0.5 * d * d, d);
        return (delta * (Math.Abs(d) - 0.5 * delta), d > 0 ? delta : -delta);
    }

    /// <summary>A new network for <paramref name="options"/>, ConvNetJS's initialisation: W ~ N(0, 1/fan_in), b = 0.1 into a ReLU, 0 into the output.</summary>
    public static Sequential NewNetwork(DqnOptions options, int inputs, int actions, Rng rng)
    {
        var network = Mlp.Create(inputs, options.Hidden, [Activation.Relu], 0f, actions, rng, init: (w, r) => Init.LeCunNormal(w, r));
        var linears = Layers(network);
        foreach (var l in linears) l.Bias!.Data.Fill(l == linears[^1] ? 0f : 0.1f);
        return network;
    }

    /// <summary>The Linear layers of a <c>Linear (ReLU Linear)*</c> network (a critter's); anything else is an <see cref="ArgumentException"/>.</summary>
    internal static Linear[] Layers(Sequential network)
    {
        var linears = new List<Linear>();
        for (int i = 0; i < network.Count; i++)
        {
            bool wantLinear = i % 2 == 0;
            if (wantLinear && network[i] is Linear l)
            {
                if (linears.Count > 0 && linears[^1].OutFeatures != l.InFeatures)
                    throw new ArgumentException($"Q-network: layer {i} takes {l.InFeatures} inputs but the layer before gives {linears[^1].OutFeatures}");
                linears.Add(l);
            }
            else if (wantLinear || network[i] is not ReLU)
                throw new ArgumentException($"Q-network: layer {i} is a {network[i].TypeName}; the critter's network alternates Linear and ReLU layers, ending in a Linear");
        }
        if (network.Count % 2 == 0) throw new ArgumentException("Q-network: the last layer must be a Linear (the Q-values)");
        return [.. linears];
    }

    private static Sequential Clone(Sequential network)
    {
        var copy = (Sequential)Theta.Io.NetworkArchitecture.Build(Theta.Io.NetworkArchitecture.ToJson(network), "target network");
        foreach (var ((_, dst), (_, src)) in copy.NamedParameters().Zip(network.NamedParameters())) src.Data.CopyTo(dst.Data);
        return copy;
    }

    internal static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int k = 1; k < v.Length; k++) if (v[k] > v[best]) best = k;
        return best;
    }
}
