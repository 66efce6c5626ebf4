namespace Theta.Training;

/// <summary>
/// The collective operations data-parallel training needs, over a group of <see cref="Size"/> processes
/// ("ranks") that each call every operation in the same order with buffers of the same length.
/// <c>Theta.Distributed</c> implements them over MPI (<c>MPI_Bcast</c>, <c>MPI_Allreduce</c>); the core
/// library names only this interface, so it keeps no native dependency.
/// </summary>
public interface ICollectives
{
    /// <summary>This process's index in the group, 0 … <see cref="Size"/> − 1.</summary>
    int Rank { get; }

    /// <summary>The number of processes in the group (≥ 1).</summary>
    int Size { get; }

    /// <summary>Copies <paramref name="root"/>'s <paramref name="data"/> into every rank's <paramref name="data"/>.</summary>
    void Broadcast(Span<byte> data, int root = 0);

    /// <summary>Every rank's <paramref name="data"/> becomes the elementwise sum over the ranks: data[i] ← Σ_r data_r[i].</summary>
    void AllReduceSum(Span<float> data);

    /// <inheritdoc cref="AllReduceSum(Span{float})"/>
    void AllReduceSum(Span<double> data);

    /// <summary>
    /// A buffer of <paramref name="count"/> floats suited to <see cref="AllReduceSum(Span{float})"/> (the gradient
    /// buckets live in one): by default an ordinary array; over MPI a pinned one on huge pages from 4 MiB on.
    /// </summary>
    float[] NewBuffer(int count) => new float[count];
}
