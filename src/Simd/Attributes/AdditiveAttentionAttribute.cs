using System;

namespace Simd;

/// <summary>
/// Generates a shape-specialized additive (Bahdanau) attention cell into the annotated <c>partial</c> class:
/// score_j = vᵀ tanh(W_q q + W_k k_j + b), weights = softmax over the valid keys, context = Σ_j weight_j value_j.
/// The key projections W_k k_j are computed once per sequence (<c>Prepare</c>) and reused by every decoder
/// <c>Step</c>, so a step costs O(T·A). The class gets forward and backward passes, seeded initialisation and
/// import/export of its tensors by name (<c>query_weight</c> [A, Q], <c>key_weight</c> [A, K], <c>bias</c> [A],
/// <c>score_weight</c> [A]).
/// </summary>
/// <remarks>Bad arguments are reported at compile time with <c>SIMD</c> diagnostics.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AdditiveAttentionAttribute : Attribute
{
    /// <summary>Declares an additive attention cell.</summary>
    /// <param name="querySize">Length of each query (the decoder state) Q; at least 1.</param>
    /// <param name="keySize">Length of each key (an encoder state) K; at least 1.</param>
    /// <param name="attentionSize">Length A of the hidden layer the score is computed in; at least 1.</param>
    public AdditiveAttentionAttribute(int querySize, int keySize, int attentionSize)
    {
        QuerySize = querySize;
        KeySize = keySize;
        AttentionSize = attentionSize;
    }

    /// <summary>Length of each query.</summary>
    public int QuerySize { get; }

    /// <summary>Length of each key.</summary>
    public int KeySize { get; }

    /// <summary>Length of the score's hidden layer.</summary>
    public int AttentionSize { get; }

    /// <summary>Length of each value (and of the context); 0, the default, means the key size (Bahdanau: values are the keys).</summary>
    public int ValueSize { get; set; }

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
