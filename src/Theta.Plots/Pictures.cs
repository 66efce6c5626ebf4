namespace Theta.Plots;

/// <summary>Checks shared by every picture: the file format asked for by the file name.</summary>
public static class Pictures
{
    /// <summary>True for a .svg file name (charts are drawn as SVG then), false for .png; anything else is an error.</summary>
    /// <exception cref="ArgumentException">Neither .png nor .svg.</exception>
    public static bool IsSvg(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".png" => false,
            ".svg" => true,
            _ => throw new ArgumentException($"{path}: a picture is written as .png or .svg (for charts); give a file name ending in one of them"),
        };
    }

    /// <summary>Pictures of pixels (weights, stimuli, activations) are PNG only.</summary>
    /// <exception cref="ArgumentException">The name does not end in .png (an .svg is named as unsupported here).</exception>
    public static void RequirePng(string path)
    {
        if (IsSvg(path))
            throw new ArgumentException($"{path}: this picture is made of pixels and is written as PNG only; SVG is offered for the charts (training curves, confusion matrix). Use a .png file name");
    }
}
