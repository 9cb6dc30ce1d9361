namespace Simd.Benchmarks;

// The generated RNN cells under test: one per benchmarked shape. The generator fills in each partial class.

/// <summary>Vanilla RNN cell (tanh), 32 inputs, 64 hidden units (single-step benchmark).</summary>
[RnnCell(32, 64)]
public sealed partial class Rnn32x64;

/// <summary>Vanilla RNN cell (tanh), 128 inputs, 256 hidden units (single-step benchmark).</summary>
[RnnCell(128, 256)]
public sealed partial class Rnn128x256;

/// <summary>RNN (64,128), for the sequence peer benchmark.</summary>
[RnnCell(64, 128)]
public sealed partial class Rnn64x128;
