namespace Simd.Benchmarks;

// The generated cells under test: one per benchmarked shape. The generator fills in each partial class.

/// <summary>LSTM cell, 8 inputs, 16 hidden units (single-step benchmark).</summary>
[LstmCell(8, 16)]
public sealed partial class Lstm8x16;

/// <summary>LSTM cell, 16 inputs, 32 hidden units (single-step benchmark).</summary>
[LstmCell(16, 32)]
public sealed partial class Lstm16x32;

/// <summary>LSTM cell, 32 inputs, 64 hidden units (single-step benchmark).</summary>
[LstmCell(32, 64)]
public sealed partial class Lstm32x64;

/// <summary>LSTM cell, 64 inputs, 128 hidden units (batched step and training benchmarks).</summary>
[LstmCell(64, 128)]
public sealed partial class Lstm64x128;

/// <summary>LSTM cell, 128 inputs, 256 hidden units (single-step benchmark).</summary>
[LstmCell(128, 256)]
public sealed partial class Lstm128x256;

/// <summary>LSTM cell, 256 inputs, 512 hidden units (single-step benchmark; 6 MiB of weights, beyond L2).</summary>
[LstmCell(256, 512)]
public sealed partial class Lstm256x512;

/// <summary>LSTM cell, 32 inputs, 64 hidden units, bfloat16 inference weights (half the bytes per step).</summary>
[LstmCell(32, 64, InferenceWeights = WeightFormat.BFloat16)]
public sealed partial class Lstm32x64Bf16;

/// <summary>LSTM cell, 128 inputs, 256 hidden units, bfloat16 inference weights.</summary>
[LstmCell(128, 256, InferenceWeights = WeightFormat.BFloat16)]
public sealed partial class Lstm128x256Bf16;
