using System;

namespace Simd;

/// <summary>
/// Generates shape-specialized multi-head scaled dot-product attention (PyTorch <c>nn.MultiheadAttention</c>
/// semantics with biases, no dropout) into the annotated <c>partial</c> class: Q, K and V projections, per head
/// softmax(Q Kᵀ/√d) V over the valid keys, and the output projection. It has a batched <c>Forward</c> and
/// <c>Backward</c> with an optional causal mask and key-padding lengths, and an incremental <c>DecodeStep</c> over a
/// preallocated key/value cache. Tensors use PyTorch's names: <c>in_proj_weight</c> [3E, E], <c>in_proj_bias</c> [3E],
/// <c>out_proj.weight</c> [E, E], <c>out_proj.bias</c> [E].
/// </summary>
/// <remarks>Bad arguments are reported at compile time with <c>SIMD</c> diagnostics.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MultiHeadAttentionAttribute : Attribute
{
    /// <summary>Declares a multi-head attention cell.</summary>
    /// <param name="modelSize">Length E of every token vector (queries, keys, values and outputs); at least 1.</param>
    /// <param name="heads">Number of heads; at least 1 and a divisor of <paramref name="modelSize"/>.</param>
    public MultiHeadAttentionAttribute(int modelSize, int heads)
    {
        ModelSize = modelSize;
        Heads = heads;
    }

    /// <summary>Length of every token vector.</summary>
    public int ModelSize { get; }

    /// <summary>Number of heads.</summary>
    public int Heads { get; }

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
