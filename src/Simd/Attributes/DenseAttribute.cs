using System;

namespace Simd;

/// <summary>
/// Generates a shape-specialized fully connected layer into the annotated <c>partial</c> class: y = act(W x + b),
/// PyTorch's <c>nn.Linear(inputs, outputs)</c> followed by <see cref="Activation"/>, with a batched forward and
/// backward, seeded initialisation and import/export of <c>weight</c> and <c>bias</c>. The class implements
/// <see cref="IDenseLayer{T}"/>.
/// </summary>
/// <remarks>Bad arguments are reported at compile time with <c>SIMD</c> diagnostics.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a dense layer.</summary>
    /// <param name="inputs">Length of each input vector; at least 1.</param>
    /// <param name="outputs">Length of each output vector; at least 1.</param>
    public DenseAttribute(int inputs, int outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Length of each input vector.</summary>
    public int Inputs { get; }

    /// <summary>Length of each output vector.</summary>
    public int Outputs { get; }

    /// <summary>The activation applied to W x + b; none by default.</summary>
    public DenseActivation Activation { get; set; } = DenseActivation.None;

    /// <summary>Element type: <c>typeof(float)</c> (default) or <c>typeof(double)</c>.</summary>
    public Type ElementType { get; set; } = typeof(float);

    /// <summary>
    /// Deterministic mode: forward and backward give bit-identical results on the Vector512, Vector256, Vector128 and
    /// scalar paths, so on any x64 or Arm64 CPU: every multiply-add is fused, every sum runs in one fixed order and the
    /// activations use the same polynomial on every path. It costs some speed (measured in the README); the default
    /// (false) lets each path keep its fastest order, and paths then differ by a few ulp.
    /// </summary>
    public bool Deterministic { get; set; }
}

/// <summary>The activation of a <see cref="DenseAttribute"/> layer.</summary>
public enum DenseActivation
{
    /// <summary>y = W x + b (logits, regression heads).</summary>
    None = 0,

    /// <summary>y = tanh(W x + b).</summary>
    Tanh = 1,

    /// <summary>y = 1 / (1 + e^−(W x + b)).</summary>
    Sigmoid = 2,

    /// <summary>y = max(0, W x + b); the gradient at 0 is taken as 0, as in PyTorch.</summary>
    Relu = 3,
}
