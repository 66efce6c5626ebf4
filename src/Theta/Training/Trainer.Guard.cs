using System.Numerics.Tensors;
using Theta.Nn;

namespace Theta.Training;

// The NaN/Inf guard: after each step, the loss, every gradient and every weight must be finite.
public sealed partial class Trainer
{
    // One vectorised sum per tensor: a NaN or ±Inf makes the sum non-finite. Only then is the
    // tensor scanned, so a sum that merely overflowed (finite values near 3e38) is not reported.
    // The parameters are walked as a cached list (no per-step allocation); a name is looked up only to report one.
    private void CheckFinite(bool gradients)
    {
        var parameters = Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var t = gradients ? parameters[i].Grad : parameters[i];
            if (t is null) continue;
            var data = t.Data;
            if (float.IsFinite(TensorPrimitives.Sum(data))) continue;
            foreach (float v in data)
            {
                if (float.IsFinite(v)) continue;
                string name = Model.NamedParameters().ElementAt(i).Name;
                var (layer, type) = LayerTable.LayerOf(Model, name);
                string where = layer.Length == 0 ? type : $"layer {layer}, {type}";
                string what = gradients ? $"the gradient of {name} ({where}) has {Describe(v)}" : $"the weight {name} ({where}) became {Describe(v)} after the update";
                throw Diverged(what, name);
            }
        }
    }

    private TrainingDivergedException Diverged(string what, string? parameter) =>
        new($"Trainer: epoch {_epoch}, step {_step} (global step {_globalStep}): {what}; lower the learning rate or check the inputs for NaN/Inf",
            _epoch, _step, _globalStep, parameter);

    private static string Describe(float v) => float.IsNaN(v) ? "NaN" : v > 0 ? "Inf" : "-Inf";
}
