namespace Theta.Nn;

/// <summary>
/// The function after a hidden layer's Linear: one vocabulary for the builder, the model files, the explanations,
/// the pages and the command line (which spell it in lower case: <c>sigmoid</c>, <c>tanh</c>, <c>relu</c>, …).
/// </summary>
public enum Activation
{
    /// <summary>None: the identity.</summary>
    Linear,
    /// <summary>σ(z) = 1 / (1 + e^(−z)).</summary>
    Sigmoid,
    /// <summary>tanh(z).</summary>
    Tanh,
    /// <summary>max(0, z).</summary>
    Relu,
    /// <summary>z for z &gt; 0, slope·z otherwise.</summary>
    LeakyRelu,
}

/// <summary>
/// The one builder of fully connected networks (multi-layer perceptrons): the tabular classifier, the search's candidates and the
/// playground's networks are all made here, so a new activation or a new way to initialise is one change.
/// </summary>
public static class Mlp
{
    /// <summary>The layer that applies <paramref name="activation"/> (null for <see cref="Activation.Linear"/>: no layer).</summary>
    public static Module? Layer(Activation activation, float slope = 0.01f) => activation switch
    {
        Activation.Linear => null,
        Activation.Sigmoid => new Sigmoid(),
        Activation.Tanh => new Tanh(),
        Activation.Relu => new ReLU(),
        Activation.LeakyRelu => new LeakyReLU(slope),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Mlp: not an activation"),
    };

    /// <summary>
    /// inputs → [Linear → activation → Dropout] per hidden layer → Linear → outputs (logits, or the prediction for regression).
    /// Hidden layer i has <paramref name="hidden"/>[i] units and <paramref name="activations"/>[i] (a shorter list repeats its
    /// last entry); a dropout of p &gt; 0 follows every hidden activation. The weights are drawn from <paramref name="rng"/> layer
    /// by layer (PyTorch's default initialisation, see <see cref="Linear"/>); each dropout layer gets its own generator, seeded
    /// by one draw from <paramref name="rng"/> when it is made. <paramref name="init"/>, when given, draws every weight instead
    /// of the default (the biases keep theirs: the same draws from <paramref name="rng"/> either way, see <see cref="Linear"/>).
    /// </summary>
    public static Sequential Create(int inputs, IReadOnlyList<int> hidden, IReadOnlyList<Activation> activations, float dropout, int outputs, Rng rng,
        Initializer? init = null)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(activations);
        if (hidden.Count > 0 && activations.Count == 0) throw new ArgumentException("Mlp: give an activation for the hidden layers", nameof(activations));
        var layers = new List<Module>();
        int width = inputs;
        for (int i = 0; i < hidden.Count; i++)
        {
            layers.Add(new Linear(width, hidden[i], rng, init: init));
            if (Layer(activations[Math.Min(i, activations.Count - 1)]) is { } act) layers.Add(act);
            if (dropout > 0) layers.Add(new Dropout(dropout, new Rng(rng.NextUInt())));
            width = hidden[i];
        }
        layers.Add(new Linear(width, outputs, rng, init: init));
        return new Sequential([.. layers]);
    }

    /// <summary>For a network from <see cref="Create"/>: the index of the layer whose output is hidden layer i's units (after its activation), for each i.</summary>
    public static int[] HiddenOutputs(Sequential mlp)
    {
        var result = new List<int>();
        int lastLinear = -1;
        for (int i = 0; i < mlp.Count; i++) if (mlp[i] is Linear) lastLinear = i;
        for (int i = 0; i < lastLinear; i++)
            if (mlp[i] is Linear) result.Add(mlp[i + 1] is Linear or Dropout ? i : i + 1);
        return [.. result];
    }
}
