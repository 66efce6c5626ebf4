using System.Runtime.InteropServices;

namespace Theta.Training;

// The parts of a data-parallel run (Trainer.Parallel set) that the single-process loop does not need.
public sealed partial class Trainer
{
    private Tensor[]? _parameters, _weights;

    // The model's parameters in a fixed order, the same on every rank (the order of the flat gradient buffer).
    private IReadOnlyList<Tensor> Parameters => _parameters ??= [.. Model.Parameters()];

    // The weight matrices the L1 and L2 penalties cover (parameters named "weight"), in the same order.
    private Tensor[] Weights => _weights ??= [.. Model.NamedParameters().Where(p => p.Name.EndsWith("weight", StringComparison.Ordinal)).Select(p => p.Parameter)];

    // NOTE: rank r's shard holds other examples than rank 0's, so it must not draw rank 0's dropout masks.
    // At each epoch start every rank takes rank 0's generator state (a broadcast), rank 0 keeps it and rank
    // r > 0 reseeds from it and r. Only rank 0's state goes into a checkpoint, and a resumed run forks the
    // same streams from it, so a run with N ranks is deterministic and resumes bit for bit at the same N.
    private void ForkDropout(DataParallel par)
    {
        foreach (var (_, layer) in Dropouts(Model, ""))
        {
            var s = layer.Rng.GetState();
            Span<uint> w = [s.S0, s.S1, s.S2, s.S3];
            par.Group.Broadcast(MemoryMarshal.AsBytes(w));
            if (par.Rank == 0) continue;
            ulong seed = ((ulong)w[0] << 32 | w[1]) ^ (((ulong)w[2] << 32 | w[3]) * 0x9E3779B97F4A7C15UL) ^ ((ulong)par.Rank * 0xD1B54A32D192ED03UL);
            layer.Rng.SetState(new Rng(seed).GetState());
        }
    }

    // Evaluate over the ranks: each takes its share of the rows, the loss and hit sums are all-reduced.
    private (double Loss, double Accuracy) EvaluateShared(DataParallel par, Tensor x, Targets y)
    {
        int n = x.Shape[0];
        var (start, count) = DataParallel.Shard(n, par.Rank, par.Size);
        Span<double> sums = [0, 0];
        if (count > 0)
        {
            int[] rows = [.. Enumerable.Range(start, count)];
            var (loss, accuracy) = Evaluate(Model, x.SelectRows(rows), y.Of(rows), Options.EvalBatchSize, Options);
            sums[0] = loss * count;
            sums[1] = Math.Round(accuracy * count);
        }
        par.Group.AllReduceSum(sums);
        return (sums[0] / n, sums[1] / n);
    }
}
