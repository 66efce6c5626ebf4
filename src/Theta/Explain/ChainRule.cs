using Theta.Nn;

namespace Theta.Explain;

/// <summary>What kind of number a chain-rule factor is.</summary>
public enum FactorKind
{
    /// <summary>One number.</summary>
    Scalar,
    /// <summary>A vector (one entry per unit): multiplying by it sums over the paths through those units.</summary>
    Vector,
    /// <summary>A Jacobian matrix [rows = units above, columns = units below].</summary>
    Matrix,
}

/// <summary>
/// One factor of the chain rule: its name (<c>∂ŷ/∂h₃</c>), its formula, its values (row-major for a
/// matrix), and the running product of it and every factor before it (<see cref="ProductSoFar"/>,
/// named <see cref="ProductName"/>: the gradient of LL with respect to this factor's denominator).
/// </summary>
public sealed record Factor(string Name, string Formula, FactorKind Kind, int[] Shape, double[] Values, string ProductName, double[] ProductSoFar);

/// <summary>
/// ∂LL/∂θ for one parameter θ and one row, three ways: the chain rule written out as a product of
/// factors (in double), reverse-mode autodiff (the engine's float32 <c>Backward()</c>), and central
/// differences (LL(θ + ε) − LL(θ − ε)) / 2ε in double with ε = 1e-3·max(1, |θ|).
/// <see cref="Simplified"/> is the course's shortcut ∂LL/∂z = y − ŷ for the output logits.
/// </summary>
public sealed record Explanation(
    ParameterRef Parameter,
    double ParameterValue,
    int Label,
    OutputLink Link,
    IReadOnlyList<double> Probabilities,
    double LogLikelihood,
    IReadOnlyList<Factor> Factors,
    Factor Simplified,
    double Product,
    double Autodiff,
    double FiniteDifference,
    double Epsilon)
{
    /// <summary>The larger relative error of autodiff and of the product against central differences (<see cref="ChainRule.RelativeError"/>).</summary>
    public double MaxRelativeError => Math.Max(ChainRule.RelativeError(Product, FiniteDifference), ChainRule.RelativeError(Autodiff, FiniteDifference));
}

/// <summary>One row of <see cref="ChainRule.ExplainAll"/>: a parameter, its value, and ∂LL/∂θ three ways.</summary>
public sealed record ParameterGradient(ParameterRef Parameter, double Value, double Product, double Autodiff, double FiniteDifference)
{
    /// <summary>The larger relative error of the product and of autodiff against central differences.</summary>
    public double MaxRelativeError => Math.Max(ChainRule.RelativeError(Product, FiniteDifference), ChainRule.RelativeError(Autodiff, FiniteDifference));
}

/// <summary>
/// The chain rule for a network of stacked logistic regressions, written out with numbers.
/// <para>Layers ℓ = 1..N: z⁽ℓ⁾ = W⁽ℓ⁾ h⁽ℓ⁻¹⁾ + b⁽ℓ⁾, h⁽ℓ⁾ = act(z⁽ℓ⁾), h⁽⁰⁾ = x; the output ŷ is σ(z⁽ᴺ⁾)
/// (one logit, ŷ = P(y = 1 | x)) or softmax(z⁽ᴺ⁾) (then ŷ = ŷ_y, the probability of the true label),
/// and LL = ln P(y | x). For θ = W⁽ℓ⁾ⱼᵢ (unit j, input i):</para>
/// <code>
/// ∂LL/∂θ = ∂LL/∂ŷ · ∂ŷ/∂hⱼ⁽ℓ⁾ · ∂hⱼ⁽ℓ⁾/∂θ,       ∂hⱼ⁽ℓ⁾/∂θ = act'(zⱼ⁽ℓ⁾) · hᵢ⁽ℓ⁻¹⁾
/// </code>
/// With one hidden layer (ℓ = 1, N = 2) the three factors are numbers. With more, ∂ŷ/∂hⱼ⁽ℓ⁾ is a sum
/// over every path from hⱼ⁽ℓ⁾ to ŷ; it is computed as a product of per-layer factors — a row vector
/// ∂ŷ/∂h⁽ᴺ⁻¹⁾ times the Jacobians ∂h⁽ᵐ⁾/∂h⁽ᵐ⁻¹⁾ = diag(act'(z⁽ᵐ⁾)) W⁽ᵐ⁾ — which is backpropagation:
/// δ⁽ᵐ⁻¹⁾ = (W⁽ᵐ⁾ᵀ δ⁽ᵐ⁾) ⊙ act'(z⁽ᵐ⁻¹⁾).
/// </summary>
public static class ChainRule
{
    /// <summary>Relative error |a − b| / max(|a|, |b|, 1e-6): the floor keeps two near-zero gradients (a dead ReLU) from reading as different.</summary>
    public static double RelativeError(double a, double b) => Math.Abs(a - b) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(b)), 1e-6);

    /// <summary>
    /// Explains ∂LL/∂θ for <paramref name="parameter"/> (<c>0.weight[3,5]</c>, <c>2.bias[0]</c>; null = the
    /// first hidden unit's weight from the first non-zero input) at row <paramref name="x"/> with true class <paramref name="label"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A network that is not Linear + activations with a probability output, or an unknown parameter (the message lists the valid ones).</exception>
    public static Explanation Explain(Sequential network, ReadOnlySpan<float> x, int label, string? parameter = null)
    {
        var stack = new DenseStack(network);
        ParameterRef p;
        if (parameter is null)
        {
            int i = 0;
            while (i < x.Length - 1 && x[i] == 0) i++;
            p = ParameterRef.Parse($"{stack.Layers[0].Name}.weight[0,{i}]", stack);
        }
        else p = ParameterRef.Parse(parameter, stack);
        return Explain(stack, x, label, p);
    }

    internal static Explanation Explain(DenseStack stack, ReadOnlySpan<float> x, int label, ParameterRef p)
    {
        var pass = stack.Forward(x, label);
        var (factors, simplified) = Factors(stack, pass, label, p);
        double product = factors[^1].ProductSoFar[0];   // the running product after the last factor
        double theta = Value(stack, p);
        double eps = 1e-3 * Math.Max(1, Math.Abs(theta));
        double fd = CentralDifference(stack, x, [label], p, eps);
        double ad = Autodiff(stack, Tensor.FromSpan(x, 1, x.Length), [label])[p.Tensor][p.FlatIndex];
        return new Explanation(p, theta, label, stack.Link!.Value, pass.Probabilities, pass.LogLikelihood, factors, simplified, product, ad, fd, eps);
    }

    /// <summary>
    /// Every parameter's ∂LL/∂θ at one row, three ways (the product of factors, autodiff, central
    /// differences): what <c>theta explain --all</c> tabulates. One forward and one backward pass serve all.
    /// </summary>
    public static IReadOnlyList<ParameterGradient> ExplainAll(Sequential network, ReadOnlySpan<float> x, int label)
    {
        var stack = new DenseStack(network);
        var pass = stack.Forward(x, label);
        var ad = Autodiff(stack, Tensor.FromSpan(x, 1, x.Length), [label]);
        var result = new List<ParameterGradient>();
        foreach (var p in ParameterRef.All(stack))
        {
            double theta = Value(stack, p);
            result.Add(new ParameterGradient(p, theta, Factors(stack, pass, label, p).Item1[^1].ProductSoFar[0], ad[p.Tensor][p.FlatIndex],
                CentralDifference(stack, x, [label], p, 1e-3 * Math.Max(1, Math.Abs(theta)))));
        }
        return result;
    }

    internal static double Value(DenseStack stack, ParameterRef p)
    {
        var L = stack.Layers[p.Layer].Linear;
        return p.IsBias ? L.Bias!.Data[p.FlatIndex] : L.Weight.Data[p.FlatIndex];
    }

    /// <summary>(Σ_rows LL(θ + ε) − Σ_rows LL(θ − ε)) / 2ε in double; rows are rows of <paramref name="x"/> (features each).</summary>
    internal static double CentralDifference(DenseStack stack, ReadOnlySpan<float> x, int[] labels, ParameterRef p, double eps)
    {
        double theta = Value(stack, p), up = 0, down = 0;
        int d = stack.Inputs;
        for (int r = 0; r < labels.Length; r++)
        {
            var row = x.Slice(r * d, d);
            up += stack.Forward(row, labels[r], (p.Tensor, p.FlatIndex, theta + eps)).LogLikelihood;
            down += stack.Forward(row, labels[r], (p.Tensor, p.FlatIndex, theta - eps)).LogLikelihood;
        }
        return (up - down) / (2 * eps);
    }

    /// <summary>∂(Σ_rows LL)/∂θ for every parameter tensor by the engine's Backward(), as doubles by tensor name; the gradients are cleared again.</summary>
    internal static Dictionary<string, double[]> Autodiff(DenseStack stack, Tensor x, int[] labels)
    {
        stack.Network.ZeroGrad();
        stack.EngineLogLikelihood(x, labels).Backward();
        var g = stack.NamedParameters().ToDictionary(
            t => t.Name,
            t => t.Parameter.Grad is { } grad ? grad.ToArray().Select(v => (double)v).ToArray() : new double[t.Parameter.Size]);
        stack.Network.ZeroGrad();
        return g;
    }

    // The factors for θ in layer ℓ (1-based: p.Layer + 1) of N, as described on the class.
    private static (List<Factor>, Factor) Factors(DenseStack stack, DenseStack.Pass pass, int y, ParameterRef p)
    {
        int N = stack.Layers.Count, l = p.Layer + 1, j = p.Unit;
        bool binary = stack.Link == OutputLink.Sigmoid;
        var prob = pass.Probabilities;
        double yHat = binary ? prob[1] : prob[y];
        string yh = binary ? "ŷ" : "ŷ_y";
        var list = new List<Factor>();

        // ∂LL/∂ŷ: LL = y ln ŷ + (1 − y) ln(1 − ŷ) (binary) or ln ŷ_y (softmax).
        double dLLdy = binary ? (y == 1 ? 1 / yHat : -1 / (1 - yHat)) : 1 / yHat;
        double running = dLLdy;
        list.Add(Scalar("∂LL/∂ŷ", binary ? $"y/ŷ − (1 − y)/(1 − ŷ) with y = {y}, ŷ = P(y = 1 | x)" : $"1/ŷ_y, the probability of the true class y = {y}", dLLdy, "∂LL/∂ŷ", running));

        // ∂ŷ/∂zₖ⁽ᴺ⁾: σ'(z) = ŷ(1 − ŷ) (binary), or ŷ_y(1[k = y] − ŷₖ) (softmax).
        int K = stack.Layers[^1].Out;
        var s = new double[K];
        for (int k = 0; k < K; k++) s[k] = binary ? yHat * (1 - yHat) : yHat * ((k == y ? 1 : 0) - prob[k]);
        var simplifiedValues = binary ? [y - yHat] : Enumerable.Range(0, K).Select(k => (k == y ? 1 : 0) - prob[k]).ToArray();
        var simplified = new Factor($"∂LL/∂z{Sup(N)}", binary ? "∂LL/∂ŷ · ∂ŷ/∂z = y − ŷ" : "∂LL/∂ŷ_y · ∂ŷ_y/∂zₖ = 1[k = y] − ŷₖ",
            binary ? FactorKind.Scalar : FactorKind.Vector, [K], simplifiedValues, $"∂LL/∂z{Sup(N)}", simplifiedValues);

        var Lp = stack.Layers[p.Layer];
        string hBelow = p.IsBias ? "1" : l == 1 ? $"x{Sub(p.Input)}" : $"h{Sub(p.Input)}{Sup(l - 1)}";
        double hIn = p.IsBias ? 1 : pass.H[l - 1][p.Input];
        if (l == N)
        {
            // Output layer: only z_j depends on θ, so ∂ŷ/∂z_j is one number.
            running *= s[j];
            list.Add(Scalar($"∂{yh}/∂z{Sub(j)}", binary ? "σ'(z) = ŷ(1 − ŷ)" : $"ŷ_y(1[{j} = y] − ŷ{Sub(j)})", s[j], $"∂LL/∂z{Sub(j)}", running));
            running *= hIn;
            list.Add(Scalar($"∂z{Sub(j)}/∂θ", p.IsBias ? "1 (a bias)" : hBelow, hIn, "∂LL/∂θ", running));
            return (list, simplified);
        }

        // ∂ŷ/∂h⁽ᴺ⁻¹⁾ᵤ = Σₖ ∂ŷ/∂zₖ · W⁽ᴺ⁾ₖᵤ: a sum over the output logits (one term for a sigmoid).
        var Wout = stack.Layers[^1].Linear.Weight.Data;
        int U = stack.Layers[^1].In;
        var g = new double[U];
        for (int u = 0; u < U; u++) for (int k = 0; k < K; k++) g[u] += s[k] * Wout[k * U + u];
        string outFormula = binary ? $"ŷ(1 − ŷ) · W{Sup(N)}₀ⱼ" : $"Σₖ ŷ_y(1[k = y] − ŷₖ) · W{Sup(N)}ₖⱼ (a sum over the {K} logits)";
        if (l == N - 1)
        {
            running *= g[j];
            list.Add(Scalar($"∂{yh}/∂h{Sub(j)}{Sup(l)}", outFormula.Replace("ⱼ", Sub(j)), g[j], $"∂LL/∂h{Sub(j)}{Sup(l)}", running));
        }
        else
        {
            list.Add(new Factor($"∂{yh}/∂h{Sup(N - 1)}", outFormula + ", for every unit j", FactorKind.Vector, [U], g, $"∂LL/∂h{Sup(N - 1)}", g.Select(v => v * dLLdy).ToArray()));
            // One factor per layer between: ∂h⁽ᵐ⁾/∂h⁽ᵐ⁻¹⁾ = diag(act'(z⁽ᵐ⁾)) W⁽ᵐ⁾; the running vector g becomes ∂ŷ/∂h⁽ᵐ⁻¹⁾.
            for (int m = N - 1; m > l; m--)
            {
                var Lm = stack.Layers[m - 1];
                var W = Lm.Linear.Weight.Data;
                var J = new double[Lm.Out * Lm.In];
                for (int a = 0; a < Lm.Out; a++)
                {
                    double d = Lm.Derivative(pass.Z[m - 1][a], pass.H[m][a]);
                    for (int b = 0; b < Lm.In; b++) J[a * Lm.In + b] = d * W[a * Lm.In + b];
                }
                var next = new double[Lm.In];
                for (int b = 0; b < Lm.In; b++) for (int a = 0; a < Lm.Out; a++) next[b] += g[a] * J[a * Lm.In + b];
                g = next;
                string formula = $"diag(act'(z{Sup(m)})) · W{Sup(m)} with act' = {Lm.DerivativeFormula("z", "h")}";
                if (m == l + 1)
                {
                    // Only column j matters for θ: a vector, and the running product becomes the number ∂ŷ/∂hⱼ⁽ℓ⁾.
                    var col = Enumerable.Range(0, Lm.Out).Select(a => J[a * Lm.In + j]).ToArray();
                    running *= g[j];
                    list.Add(new Factor($"∂h{Sup(m)}/∂h{Sub(j)}{Sup(l)}", formula + $", column {j}", FactorKind.Vector, [Lm.Out], col, $"∂LL/∂h{Sub(j)}{Sup(l)}", [running]));
                }
                else
                    list.Add(new Factor($"∂h{Sup(m)}/∂h{Sup(m - 1)}", formula, FactorKind.Matrix, [Lm.Out, Lm.In], J, $"∂LL/∂h{Sup(m - 1)}", g.Select(v => v * dLLdy).ToArray()));
            }
        }

        // ∂hⱼ⁽ℓ⁾/∂θ = act'(zⱼ⁽ℓ⁾) · hᵢ⁽ℓ⁻¹⁾ (· 1 for a bias).
        double act = Lp.Derivative(pass.Z[l - 1][j], pass.H[l][j]);
        running *= act * hIn;
        list.Add(Scalar($"∂h{Sub(j)}{Sup(l)}/∂θ", $"{Lp.DerivativeFormula($"z{Sub(j)}", $"h{Sub(j)}")}, times {(p.IsBias ? "1 (a bias)" : hBelow)}", act * hIn, "∂LL/∂θ", running));
        return (list, simplified);
    }

    private static Factor Scalar(string name, string formula, double value, string productName, double product) =>
        new(name, formula, FactorKind.Scalar, [], [value], productName, [product]);

    private static string Sup(int n) => "⁽" + Digits(n, "⁰¹²³⁴⁵⁶⁷⁸⁹") + "⁾";
    private static string Sub(int n) => Digits(n, "₀₁₂₃₄₅₆₇₈₉");
    private static string Digits(int n, string glyphs) => string.Concat(n.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => glyphs[c - '0']));
}
