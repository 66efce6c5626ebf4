namespace Theta;

/// <summary>
/// Marks a public method as a differentiable op named <see cref="Name"/>. The test suite finds
/// every marked method by reflection and fails unless the gradient-check registry has a case
/// for that name, so a new op cannot land without a gradient check.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OpAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
