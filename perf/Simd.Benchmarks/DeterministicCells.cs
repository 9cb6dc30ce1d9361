namespace Simd.Benchmarks;

// Deterministic twins of the fast cells in Cells.cs, GruCells.cs, RnnCells.cs and AttentionCells.cs (same sizes,
// Deterministic = true), for DeterminismBenchmarks. The generator fills in each partial class.

/// <summary>Deterministic twin of <see cref="Lstm32x64"/>.</summary>
[LstmCell(32, 64, Deterministic = true)]
public sealed partial class DeterministicLstm32x64;

/// <summary>Deterministic twin of <see cref="Lstm64x128"/> (sequence forward with a tape and backward).</summary>
[LstmCell(64, 128, Deterministic = true)]
public sealed partial class DeterministicLstm64x128;

/// <summary>Deterministic twin of <see cref="Lstm128x256"/>.</summary>
[LstmCell(128, 256, Deterministic = true)]
public sealed partial class DeterministicLstm128x256;

/// <summary>Deterministic twin of <see cref="Gru32x64"/>.</summary>
[GruCell(32, 64, Deterministic = true)]
public sealed partial class DeterministicGru32x64;

/// <summary>Deterministic twin of <see cref="Rnn32x64"/>.</summary>
[RnnCell(32, 64, Deterministic = true)]
public sealed partial class DeterministicRnn32x64;

/// <summary>Deterministic twin of <see cref="Additive64x64x64"/>.</summary>
[AdditiveAttention(64, 64, 64, Deterministic = true)]
public sealed partial class DeterministicAdditive64x64x64;

/// <summary>Deterministic twin of <see cref="MultiHead64x4"/>.</summary>
[MultiHeadAttention(64, 4, Deterministic = true)]
public sealed partial class DeterministicMultiHead64x4;

/// <summary>Dense layer 64 → 64 with tanh (no other benchmark declares one, so the fast layer lives here too).</summary>
[Dense(64, 64, Activation = DenseActivation.Tanh)]
public sealed partial class Dense64x64Tanh;

/// <summary>Deterministic twin of <see cref="Dense64x64Tanh"/>.</summary>
[Dense(64, 64, Activation = DenseActivation.Tanh, Deterministic = true)]
public sealed partial class DeterministicDense64x64Tanh;
