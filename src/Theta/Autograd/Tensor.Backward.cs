namespace Theta;

// Reverse-mode autodiff: the graph walk. Each op records a Node (Ops/*.cs); Backward visits the
// nodes in reverse topological order, so a node's gradient is complete (every use has added its
// share) before the node passes it on.
public sealed partial class Tensor
{
    private bool _requiresGrad;
    private bool _retainGrad;

    internal Node? Node { get; private set; }

    /// <summary>The gradient dL/d(this), accumulated (+=) by <see cref="Backward(Tensor?)"/>; null until then.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>
    /// Whether gradients flow to this tensor. Set it on leaves (parameters); results of ops on
    /// such tensors require a gradient themselves.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (Node is not null && !value)
                throw new InvalidOperationException($"RequiresGrad: the tensor {Shape} is the result of {Node.Op}; use Detach() to cut it from the graph");
            _requiresGrad = value;
        }
    }

    /// <summary>True for tensors not made by a recorded op (inputs and parameters).</summary>
    public bool IsLeaf => Node is null;

    /// <summary>The name of the op that made this tensor, or null for a leaf.</summary>
    public string? GradFn => Node?.Op;

    /// <summary>Marks this tensor as needing a gradient and returns it (fluent).</summary>
    public Tensor RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }

    /// <summary>Keeps <see cref="Grad"/> of this non-leaf tensor after Backward (leaves always keep theirs).</summary>
    public Tensor RetainGrad()
    {
        _retainGrad = true;
        return this;
    }

    /// <summary>Sets <see cref="Grad"/> to null (the next backward pass starts from zero).</summary>
    /// <remarks>NOTE: the old gradient's memory is kept and reused (zeroed) by the next backward pass, so a
    /// training loop does not allocate a fresh gradient every step. Copy a gradient (<see cref="ToArray"/>)
    /// to keep it across ZeroGrad.</remarks>
    public void ZeroGrad()
    {
        if (Grad is not null && IsLeaf) _spareGrad = Grad;
        Grad = null;
    }

    private Tensor? _spareGrad;

    /// <summary>
    /// Runs the chain rule from this tensor: every tensor in its history that requires a gradient
    /// receives dL/dt added into <see cref="Grad"/>; a tensor used twice receives the sum.
    /// <paramref name="gradient"/> is dL/d(this); it may be omitted only for a one-element tensor (then 1).
    /// </summary>
    public void Backward(Tensor? gradient = null)
    {
        if (!RequiresGrad)
            throw new InvalidOperationException($"Backward: the tensor {Shape} does not require a gradient (no input of its history has RequiresGrad = true, or it was made under NoGrad)");
        if (gradient is null && Size != 1)
            throw new InvalidOperationException($"Backward: the tensor has shape {Shape}; a non-scalar needs an upstream gradient of that shape (Backward(gradient))");
        if (gradient is not null && gradient.Shape != Shape)
            throw ShapeException.Mismatch("Backward", Shape, gradient.Shape, null, "the upstream gradient must have the tensor's shape");

        var order = TopologicalOrder();
        foreach (var t in order)
            if (!t.IsLeaf) t.Grad = null; // intermediate gradients start from zero on every pass

        var seed = gradient is null ? Tensor.Ones(Shape.Dims) : gradient;
        AccumulateGrad(seed.Data);

        using var _ = Autograd.NoGrad(); // backward closures compute with plain tensors
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (t.Node is null || t.Grad is null) continue;
            t.Node.Backward(t.Grad);
            if (!t._retainGrad) t.Grad = null;
        }
    }

    // Post-order DFS (iterative, so deep graphs cannot overflow the stack): inputs before users.
    private List<Tensor> TopologicalOrder()
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor T, int Next)>();
        stack.Push((this, 0));
        visited.Add(this);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var parents = t.Node?.Parents ?? [];
            if (next < parents.Length)
            {
                stack.Push((t, next + 1));
                var p = parents[next];
                if (p.RequiresGrad && visited.Add(p)) stack.Push((p, 0));
            }
            else order.Add(t);
        }
        return order;
    }

    /// <summary>Adds <paramref name="g"/> (dL/d(this), row-major) into <see cref="Grad"/>, creating it at zero first.</summary>
    internal void AccumulateGrad(ReadOnlySpan<float> g)
    {
        System.Numerics.Tensors.TensorPrimitives.Add(GradSpan(), g, GradSpan());
    }

    /// <summary>The gradient's storage, created at zero if absent: backward kernels add into it.</summary>
    internal Span<float> GradSpan()
    {
        if (Grad is null)
        {
            // Leaves (parameters) keep their gradient beyond any step: fresh or the spare, never the arena's.
            if (IsLeaf && _spareGrad is not null) { Grad = _spareGrad; _spareGrad = null; Grad.Data.Clear(); }
            else Grad = IsLeaf ? Fresh(Shape) : new Tensor(Shape);
        }
        return Grad.Data;
    }

    /// <summary>
    /// The gradient's storage for a kernel that can either overwrite or accumulate: <paramref name="beta"/>
    /// is 0 when the gradient did not exist yet (its memory holds garbage: the kernel must write every
    /// element, as a GEMM with beta = 0 does) and 1 when it holds a sum to add to.
    /// NOTE: saves zeroing a buffer that the kernel overwrites anyway (the 128×784 weight gradient of the
    /// MNIST MLP is 401 KB per step).
    /// </summary>
    internal Span<float> GradSpanForGemm(out float beta)
    {
        if (Grad is not null) { beta = 1f; return Grad.Data; }
        beta = 0f;
        if (IsLeaf && _spareGrad is not null) { Grad = _spareGrad; _spareGrad = null; }
        else Grad = IsLeaf ? Fresh(Shape) : Uninitialized(Shape);
        return Grad.Data;
    }

    /// <summary>
    /// Attaches the op's backward to <paramref name="result"/> when recording and some input needs a
    /// gradient; otherwise returns it untouched. Every op ends with this call.
    /// </summary>
    internal static Tensor Record(Tensor result, string op, Action<Tensor> backward, params Tensor[] inputs)
    {
        if (!Autograd.IsRecording) return result;
        foreach (var t in inputs)
        {
            if (!t.RequiresGrad) continue;
            result.Node = new Node(op, inputs, backward);
            result._requiresGrad = true;
            return result;
        }
        return result;
    }

    /// <summary>True when an op's result will record a backward (so forward may save what backward needs).</summary>
    internal static bool Recording(Tensor a) => Autograd.IsRecording && a.RequiresGrad;
    internal static bool Recording(Tensor a, Tensor b) => Autograd.IsRecording && (a.RequiresGrad || b.RequiresGrad);
}
