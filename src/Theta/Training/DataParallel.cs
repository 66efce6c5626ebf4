using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Theta.Training;

/// <summary>
/// Data-parallel training over a group of ranks (<see cref="ICollectives"/>): every rank holds the same
/// weights, computes the gradient of its own shard of each global batch, and the shards' gradients are
/// combined so that every rank then holds the gradient of the whole batch's mean loss and takes the same
/// optimizer step. <see cref="Trainer.Step"/>, the one training loop, calls it (set <see cref="Trainer.Parallel"/>);
/// nothing else about a run changes.
/// <para>The combination: with B rows in the global batch, b_r of them on rank r (Σ_r b_r = B) and g_r the
/// gradient of rank r's mean loss (1/b_r)·Σ_{i∈r} ℓ_i, the whole batch's mean-loss gradient is
/// g = (1/B)·Σ_i ∇ℓ_i = Σ_r (b_r/B)·g_r. Each rank scales its g_r by b_r/B into a flat buffer and one
/// all-reduce sum per bucket of <see cref="BucketFloats"/> floats gives g everywhere. So the learning rate
/// means the same at any number of ranks, also when B does not split evenly.</para>
/// </summary>
public sealed class DataParallel
{
    /// <summary>Floats per all-reduce call (1 Mi floats = 4 MiB): the MNIST CNN's 273 k gradients go in one.</summary>
    public const int DefaultBucketFloats = 1 << 20;

    private float[] _flat = [];

    /// <param name="group">The ranks; every rank builds its DataParallel over the same group.</param>
    /// <param name="bucketFloats">Floats per all-reduce call (≥ 1).</param>
    /// <param name="checkReplicas">After every step, compare a checksum of every rank's weights with rank 0's (<see cref="VerifyReplicas"/>).</param>
    public DataParallel(ICollectives group, int bucketFloats = DefaultBucketFloats, bool checkReplicas = false)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketFloats, 1);
        Group = group;
        BucketFloats = bucketFloats;
        CheckReplicas = checkReplicas;
    }

    public ICollectives Group { get; }
    public int Rank => Group.Rank;
    public int Size => Group.Size;
    public int BucketFloats { get; }
    public bool CheckReplicas { get; }

    /// <summary>Wall seconds this rank spent in the gradients' all-reduce so far (waiting for slower ranks included).</summary>
    public double ReduceSeconds { get; private set; }

    /// <summary>
    /// The rows [Start, Start + Count) of a global batch of <paramref name="batchRows"/> rows that this rank
    /// computes: rank r takes ⌊rB/N⌋ … ⌊(r+1)B/N⌋ − 1, so shards differ by at most one row and rank 0's is first.
    /// </summary>
    public (int Start, int Count) Shard(int batchRows) => Shard(batchRows, Rank, Size);

    /// <inheritdoc cref="Shard(int)"/>
    public static (int Start, int Count) Shard(int rows, int rank, int size)
    {
        int start = (int)((long)rows * rank / size), end = (int)((long)rows * (rank + 1) / size);
        return (start, end - start);
    }

    /// <summary>Refuses a global batch smaller than the number of ranks (some rank would have no example in any batch).</summary>
    /// <exception cref="DataParallelException">On every rank alike.</exception>
    public void CheckBatch(int batchSize, int rows)
    {
        if (batchSize < Size)
            throw new DataParallelException($"the global batch of {batchSize} examples is smaller than the {Size} ranks, so some rank would get no example of any batch; use a batch of at least {Size} (--batch) or fewer ranks (mpirun -np)");
        if (rows < Size)
            throw new DataParallelException($"{rows} training examples cannot be shared by {Size} ranks; use at most {rows} ranks (mpirun -np)");
    }

    /// <summary>Copies rank 0's values of <paramref name="parameters"/> into every rank's (one broadcast per tensor).</summary>
    public void BroadcastParameters(IEnumerable<Tensor> parameters)
    {
        foreach (var p in parameters) Group.Broadcast(MemoryMarshal.AsBytes(p.Data));
    }

    /// <summary>
    /// Replaces each parameter's gradient (that of this rank's mean loss over <paramref name="localRows"/> rows)
    /// by the global batch's mean-loss gradient Σ_r (b_r/B)·g_r, B = <paramref name="globalRows"/>; a missing
    /// gradient counts as zero and every parameter has one afterwards. <paramref name="sums"/> (a batch's loss
    /// sum, correct count, …) ride in the last bucket and come back summed over the ranks.
    /// </summary>
    public void AverageGradients(IReadOnlyList<Tensor> parameters, int localRows, int globalRows, Span<float> sums)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(globalRows, 1);
        int total = sums.Length;
        foreach (var p in parameters) total += p.Size;
        if (_flat.Length < total) _flat = Group.NewBuffer(total);
        var flat = _flat.AsSpan(0, total);
        float w = (float)((double)localRows / globalRows);
        int at = 0;
        foreach (var p in parameters)
        {
            var dst = flat.Slice(at, p.Size);
            if (p.Grad is null || localRows == 0) dst.Clear();
            else TensorPrimitives.Multiply(p.Grad.Data, w, dst);
            at += p.Size;
        }
        sums.CopyTo(flat[at..]);
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int start = 0; start < total; start += BucketFloats)
            Group.AllReduceSum(flat.Slice(start, Math.Min(BucketFloats, total - start)));
        ReduceSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        at = 0;
        foreach (var p in parameters)
        {
            p.Grad ??= Tensor.FromArray(new float[p.Size], [.. p.Shape.Dims]);
            flat.Slice(at, p.Size).CopyTo(p.Grad.Data);
            at += p.Size;
        }
        flat[at..].CopyTo(sums);
    }

    /// <summary>
    /// Checks that every rank holds the same weights as rank 0: a 64-bit checksum of the weights' bits is
    /// broadcast from rank 0 and compared on each rank, and the ranks that differ are gathered by an all-reduce.
    /// </summary>
    /// <exception cref="DataParallelException">On every rank alike, naming the ranks that differ.</exception>
    public void VerifyReplicas(IEnumerable<Tensor> parameters, long step)
    {
        ulong mine = Checksum(parameters);
        var root = BitConverter.GetBytes(mine);
        Group.Broadcast(root);
        var differs = new double[Size];
        differs[Rank] = BitConverter.ToUInt64(root) == mine ? 0 : 1;
        Group.AllReduceSum(differs);
        var bad = Enumerable.Range(0, Size).Where(r => differs[r] != 0).ToArray();
        if (bad.Length > 0)
            throw new DataParallelException($"after global step {step}, rank{(bad.Length == 1 ? "" : "s")} {string.Join(", ", bad)} hold{(bad.Length == 1 ? "s" : "")} different weights than rank 0 (weight checksums differ)");
    }

    /// <summary>A 64-bit checksum (FNV-1a over 32-bit words) of the parameters' bits, in order.</summary>
    public static ulong Checksum(IEnumerable<Tensor> parameters)
    {
        ulong h = 14695981039346656037UL;
        foreach (var p in parameters)
            foreach (uint v in MemoryMarshal.Cast<float, uint>(p.Data)) h = (h ^ v) * 1099511628211UL;
        return h;
    }
}

/// <summary>
/// A data-parallel run cannot go on, for a reason every rank found alike (the message says which ranks and
/// what to change), so each rank may stop on its own without taking the others down.
/// </summary>
public sealed class DataParallelException(string message) : InvalidOperationException(message);
