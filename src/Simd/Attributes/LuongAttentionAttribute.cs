using System;

namespace Simd;

/// <summary>
/// Generates a shape-specialized multiplicative (Luong) attention cell into the annotated <c>partial</c> class, with
/// one of Luong's three scores (<see cref="LuongScore"/>): <c>dot</c> qᵀk_j, <c>general</c> qᵀ W k_j, or
/// <c>concat</c> vᵀ tanh(W [q; k_j]). Weights are the softmax of the scores over the valid keys and the context is
/// Σ_j weight_j value_j. Same members as <see cref="AdditiveAttentionAttribute"/>.
/// </summary>
/// <remarks>Bad arguments are reported at compile time with <c>SIMD</c> diagnostics.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LuongAttentionAttribute : Attribute
{
    /// <summary>Declares a Luong attention cell.</summary>
    /// <param name="querySize">Length of each query Q; at least 1 (equal to the key size for <see cref="LuongScore.Dot"/>).</param>
    /// <param name="keySize">Length of each key K; at least 1.</param>
    public LuongAttentionAttribute(int querySize, int keySize)
    {
        QuerySize = querySize;
        KeySize = keySize;
    }

    /// <summary>Length of each query.</summary>
    public int QuerySize { get; }

    /// <summary>Length of each key.</summary>
    public int KeySize { get; }

    /// <summary>The score function; <see cref="LuongScore.General"/> by default.</summary>
    public LuongScore Score { get; set; } = LuongScore.General;

    /// <summary>Length A of the hidden layer of the <see cref="LuongScore.Concat"/> score; required (≥ 1) for it and 0 for the others.</summary>
    public int AttentionSize { get; set; }

    /// <summary>Length of each value (and of the context); 0, the default, means the key size.</summary>
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

/// <summary>Luong's score functions (Luong, Pham and Manning, 2015).</summary>
public enum LuongScore
{
    /// <summary>score_j = qᵀ k_j; no parameters; the query and key sizes must be equal.</summary>
    Dot = 0,

    /// <summary>score_j = qᵀ W k_j with <c>weight</c> W of shape [Q, K].</summary>
    General = 1,

    /// <summary>score_j = vᵀ tanh(W_q q + W_k k_j), the additive score without a bias (W = [W_q | W_k]).</summary>
    Concat = 2,
}
