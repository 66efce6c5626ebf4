namespace Theta.Nn;

/// <summary>
/// Fills a freshly made weight tensor in place, drawing from <paramref name="rng"/>. Pass one to a
/// layer's constructor, e.g. <c>(w, r) =&gt; Init.XavierUniform(w, r)</c> or <c>(w, _) =&gt; Init.Constant(w, 0.5f)</c>.
/// </summary>
public delegate void Initializer(Tensor weight, Rng rng);
