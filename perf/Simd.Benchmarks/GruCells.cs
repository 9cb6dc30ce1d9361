namespace Simd.Benchmarks;

// The generated GRU cells under test (PyTorch's reset-after variant); the generator fills in each partial class.

/// <summary>GRU cell, 32 inputs, 64 hidden units (single-step benchmark).</summary>
[GruCell(32, 64)]
public sealed partial class Gru32x64;

/// <summary>GRU cell, 128 inputs, 256 hidden units (single-step benchmark).</summary>
[GruCell(128, 256)]
public sealed partial class Gru128x256;

/// <summary>GRU (64,128), for the sequence peer benchmark.</summary>
[GruCell(64, 128)]
public sealed partial class Gru64x128;
