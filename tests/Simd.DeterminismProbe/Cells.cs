using Simd;

namespace Simd.DeterminismProbe;

// Sizes are chosen so every path splits them differently: none is a multiple of 16, and the batch of 5 falls into
// register tiles of 4 + 1 rows on the 512-bit path, 3 + 2 on the 256- and 128-bit paths and 2 + 2 + 1 on the scalar one.
// Each deterministic declaration has a fast twin with the same sizes, to show that the paths really differ there.

[LstmCell(13, 37, Deterministic = true)] internal sealed partial class DeterministicLstm;
[LstmCell(13, 37)] internal sealed partial class FastLstm;
[LstmCell(9, 23, ProjectionSize = 7, Deterministic = true)] internal sealed partial class DeterministicProjectedLstm;
[LstmCell(9, 23, ProjectionSize = 7)] internal sealed partial class FastProjectedLstm;
[LstmCell(6, 19, Layers = 2, Bidirectional = true, Deterministic = true)] internal sealed partial class DeterministicLstmNetwork;
[LstmCell(6, 19, Layers = 2, Bidirectional = true)] internal sealed partial class FastLstmNetwork;
[LstmCell(5, 21, ElementType = typeof(double), Deterministic = true)] internal sealed partial class DeterministicLstmDouble;
[LstmCell(5, 21, ElementType = typeof(double))] internal sealed partial class FastLstmDouble;
[GruCell(11, 29, Deterministic = true)] internal sealed partial class DeterministicGru;
[GruCell(11, 29)] internal sealed partial class FastGru;
[GruCell(11, 29, Reset = GruReset.BeforeRecurrentProduct, Deterministic = true)] internal sealed partial class DeterministicGruResetBefore;
[GruCell(11, 29, Reset = GruReset.BeforeRecurrentProduct)] internal sealed partial class FastGruResetBefore;
[RnnCell(10, 35, Deterministic = true)] internal sealed partial class DeterministicRnn;
[RnnCell(10, 35)] internal sealed partial class FastRnn;
[RnnCell(7, 18, Nonlinearity = RnnNonlinearity.Relu, Layers = 2, Bidirectional = true, Deterministic = true)] internal sealed partial class DeterministicRnnNetwork;
[RnnCell(7, 18, Nonlinearity = RnnNonlinearity.Relu, Layers = 2, Bidirectional = true)] internal sealed partial class FastRnnNetwork;
[AdditiveAttention(17, 19, 23, Deterministic = true)] internal sealed partial class DeterministicAdditive;
[AdditiveAttention(17, 19, 23)] internal sealed partial class FastAdditive;
[LuongAttention(21, 21, Score = LuongScore.Dot, Deterministic = true)] internal sealed partial class DeterministicLuongDot;
[LuongAttention(21, 21, Score = LuongScore.Dot)] internal sealed partial class FastLuongDot;
[LuongAttention(13, 22, Score = LuongScore.General, Deterministic = true)] internal sealed partial class DeterministicLuongGeneral;
[LuongAttention(13, 22, Score = LuongScore.General)] internal sealed partial class FastLuongGeneral;
[LuongAttention(13, 22, Score = LuongScore.Concat, AttentionSize = 27, Deterministic = true)] internal sealed partial class DeterministicLuongConcat;
[LuongAttention(13, 22, Score = LuongScore.Concat, AttentionSize = 27)] internal sealed partial class FastLuongConcat;
[MultiHeadAttention(36, 4, Deterministic = true)] internal sealed partial class DeterministicMultiHead;
[MultiHeadAttention(36, 4)] internal sealed partial class FastMultiHead;
[Dense(19, 27, Activation = DenseActivation.Tanh, Deterministic = true)] internal sealed partial class DeterministicDenseTanh;
[Dense(19, 27, Activation = DenseActivation.Tanh)] internal sealed partial class FastDenseTanh;
[Dense(19, 27, Activation = DenseActivation.Sigmoid, Deterministic = true)] internal sealed partial class DeterministicDenseSigmoid;
[Dense(19, 27, Activation = DenseActivation.Sigmoid)] internal sealed partial class FastDenseSigmoid;
