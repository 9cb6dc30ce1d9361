namespace Simd.Benchmarks;

// The generated attention cells under test. The generator fills in each partial class.

/// <summary>Additive attention: query 64, keys (and values) 64, attention layer 64 (decoder step benchmark).</summary>
[AdditiveAttention(64, 64, 64)]
public sealed partial class Additive64x64x64;

/// <summary>Multi-head attention: model size 64, 4 heads of 16 (decoder step and self-attention training benchmarks).</summary>
[MultiHeadAttention(64, 4)]
public sealed partial class MultiHead64x4;

/// <summary>Luong attention with the dot score: query and keys (and values) 64 (decoder step against ONNX Runtime).</summary>
[LuongAttention(64, 64, Score = LuongScore.Dot)]
public sealed partial class LuongDot64;
