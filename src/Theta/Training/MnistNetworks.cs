using Theta.Nn;

namespace Theta.Training;

/// <summary>The networks <c>theta train mnist</c> offers, each taking images [N, 1, 28, 28] to 10 logits.</summary>
public static class MnistNetworks
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Names = ["mlp", "sigmoid", "cnn", "mlp300"];

    /// <summary>
    /// "mlp": 784-128-10 with ReLU. "sigmoid": the lecture's stacked logistic regressions, 784-100-10 with
    /// sigmoid units. "cnn": conv 5×5×20 (pad 2) − ReLU − max-pool 2 − conv 5×5×40 (pad 2) − ReLU −
    /// max-pool 2 − linear 1960→128 − ReLU − dropout 0.25 − linear 128→10. "mlp300": 784-300-100-10 with ReLU, the
    /// fully connected network of Adam Harley's 3-D visualisation (bundled beside the CNN for the digit page).
    /// </summary>
    public static Sequential Create(string name, Rng rng) => name switch
    {
        "mlp" => new Sequential(new Flatten(), new Linear(784, 128, rng), new ReLU(), new Linear(128, 10, rng)),
        "mlp300" => new Sequential(new Flatten(), new Linear(784, 300, rng), new ReLU(), new Linear(300, 100, rng), new ReLU(), new Linear(100, 10, rng)),
        "sigmoid" => new Sequential(new Flatten(), new Linear(784, 100, rng), new Sigmoid(), new Linear(100, 10, rng)),
        "cnn" => new Sequential(
            new Conv2d(1, 20, 5, rng, padding: 2), new ReLU(), new MaxPool2d(2),
            new Conv2d(20, 40, 5, rng, padding: 2), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(40 * 7 * 7, 128, rng), new ReLU(), new Dropout(0.25f, rng), new Linear(128, 10, rng)),
        _ => throw new ArgumentException($"no MNIST network \"{name}\"; expected one of {string.Join(", ", Names)}"),
    };
}
