namespace Theta.Nn;

/// <summary>
/// A layer or a network of layers: a function y = f(x; θ) whose parameters θ are tensors that
/// require a gradient. Subclasses register their parameters and child modules in the constructor
/// (<see cref="RegisterParameter"/>, <see cref="RegisterModule{T}"/>) and implement
/// <see cref="Forward"/> from ops only, so autodiff supplies the backward pass.
/// <para>Parameters are named with dots, children first by registration order:
/// a <see cref="Sequential"/> of a Linear, a Sigmoid and a Linear has <c>0.weight, 0.bias, 2.weight, 2.bias</c>.</para>
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Parameter)> _parameters = [];
    private readonly List<(string Name, Module Child)> _children = [];

    /// <summary>True in training mode (the default): dropout drops. <see cref="Eval"/> turns it off in this module and every child.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The module's output for input <paramref name="x"/>, built from differentiable ops.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>The layer's type as written in summaries and model descriptions (the class name by default).</summary>
    public virtual string TypeName => GetType().Name;

    /// <summary>Registers <paramref name="parameter"/> under <paramref name="name"/>, marks it as requiring a gradient, and returns it.</summary>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        CheckName(name);
        parameter.RequiresGrad = true;
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers <c>weight</c> (<paramref name="weight"/>, zeros of its shape, filled by <paramref name="init"/> or by default
    /// LeCun-uniform, U(−1/√fanIn, 1/√fanIn), as PyTorch) and, when <paramref name="bias"/>, a LeCun-uniform <c>bias</c> of
    /// <paramref name="outputs"/> values: the weights drawn first, then the bias, from <paramref name="rng"/>.
    /// </summary>
    protected (Tensor Weight, Tensor? Bias) RegisterWeightAndBias(Tensor weight, int fanIn, int outputs, bool bias, Rng rng, Initializer? init)
    {
        if (init is null) Init.LeCunUniform(weight, fanIn, rng);
        else init(weight, rng);
        var w = RegisterParameter("weight", weight);
        return (w, bias ? RegisterParameter("bias", Init.LeCunUniform(Tensor.Zeros(outputs), fanIn, rng)) : null);
    }

    /// <summary>Registers <paramref name="child"/> under <paramref name="name"/> (its parameters become <c>name.…</c>) and returns it.</summary>
    protected T RegisterModule<T>(string name, T child) where T : Module
    {
        CheckName(name);
        _children.Add((name, child));
        child.Train(Training);
        return child;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{TypeName}: the name '{name}' must be non-empty and contain no '.'", nameof(name));
        if (_parameters.Exists(p => p.Name == name) || _children.Exists(c => c.Name == name))
            throw new ArgumentException($"{TypeName}: the name '{name}' is already registered", nameof(name));
    }

    /// <summary>The direct children, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Every parameter of this module and its descendants with its dotted name, in a stable order (own parameters first, then each child's).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters()
    {
        foreach (var p in _parameters) yield return p;
        foreach (var (name, child) in _children)
            foreach (var (sub, p) in child.NamedParameters())
                yield return ($"{name}.{sub}", p);
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/> (what an optimizer takes).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>The number of trainable scalars: Σ over parameters of their element counts.</summary>
    public int ParameterCount => Parameters().Sum(p => p.Size);

    /// <summary>Sets training mode (<paramref name="mode"/> = true) or evaluation mode here and in every descendant; returns this module.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, child) in _children) child.Train(mode);
        return this;
    }

    /// <summary>Evaluation mode (dropout is the identity) here and in every descendant: <c>Train(false)</c>.</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Evaluation mode (and, with <paramref name="noGrad"/>, a <see cref="Autograd.NoGrad"/> scope) until the scope is disposed,
    /// then the mode the module had: <c>using (model.EvalScope()) { … }</c> for inference inside a training run.
    /// </summary>
    public ModeScope EvalScope(bool noGrad = true)
    {
        var scope = new ModeScope(this, Training, noGrad ? Autograd.NoGrad() : null);
        Eval();
        return scope;
    }

    /// <summary>Restores a module's mode (and ends its NoGrad scope) when disposed; see <see cref="EvalScope"/>.</summary>
    public readonly record struct ModeScope(Module Module, bool WasTraining, Autograd.NoGradScope? NoGrad) : IDisposable
    {
        public void Dispose() { NoGrad?.Dispose(); Module.Train(WasTraining); }
    }

    /// <summary>Clears the gradient of every parameter (the next backward pass starts from zero).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>
    /// The architecture of this module as plain values (strings, numbers, booleans, lists and
    /// nested dictionaries), enough to rebuild it: <c>{"type": "Linear", "in": 40, "out": 20, "bias": false}</c>.
    /// A model-file writer can serialise it as JSON; the weights come from <see cref="NamedParameters"/>.
    /// </summary>
    public IReadOnlyDictionary<string, object> Describe()
    {
        var d = new Dictionary<string, object> { ["type"] = TypeName };
        AddDescription(d);
        return d;
    }

    /// <summary>Adds this layer's hyper-parameters to its <see cref="Describe"/> entry (nothing by default).</summary>
    protected virtual void AddDescription(IDictionary<string, object> description) { }

    /// <summary>
    /// A table of the layers (the children of a <see cref="Sequential"/>, or this module), the
    /// shape each one outputs for an input of <paramref name="inputShape"/> (batch axis included),
    /// and their parameter counts. Runs one forward pass on zeros under NoGrad in evaluation mode
    /// (the mode is restored afterwards).
    /// </summary>
    public ModelSummary Summary(params int[] inputShape) => ModelSummary.Of(this, inputShape);

    /// <summary>The module's type and parameter count.</summary>
    public override string ToString() => $"{TypeName} ({ParameterCount} parameters)";
}
