namespace Simd.Tests;

// Projected LSTM shapes (PyTorch proj_size = P). Hidden sizes leave panel tails, projection sizes leave tails of every
// vector width in the projection tiles (P = 1, 2, 5, 9, 17, 20), and 16x32 P=16 and 64x64 P=20 give full vectors.
[LstmCell(3, 5, ProjectionSize = 2)] public sealed partial class LstmP3x5p2;
[LstmCell(7, 13, ProjectionSize = 5)] public sealed partial class LstmP7x13p5;
[LstmCell(17, 31, ProjectionSize = 9)] public sealed partial class LstmP17x31p9;
[LstmCell(33, 65, ProjectionSize = 17)] public sealed partial class LstmP33x65p17;
[LstmCell(16, 32, ProjectionSize = 16)] public sealed partial class LstmP16x32p16;
[LstmCell(100, 3, ProjectionSize = 1)] public sealed partial class LstmP100x3p1;
[LstmCell(64, 64, ProjectionSize = 20)] public sealed partial class LstmP64x64p20;
[LstmCell(1, 2, ProjectionSize = 1)] public sealed partial class LstmP1x2p1;

[LstmCell(3, 5, ProjectionSize = 2, ElementType = typeof(double))] public sealed partial class LstmP3x5p2D;
[LstmCell(7, 13, ProjectionSize = 5, ElementType = typeof(double))] public sealed partial class LstmP7x13p5D;
[LstmCell(17, 31, ProjectionSize = 9, ElementType = typeof(double))] public sealed partial class LstmP17x31p9D;
[LstmCell(33, 65, ProjectionSize = 17, ElementType = typeof(double))] public sealed partial class LstmP33x65p17D;
[LstmCell(100, 3, ProjectionSize = 1, ElementType = typeof(double))] public sealed partial class LstmP100x3p1D;
[LstmCell(9, 42, ProjectionSize = 11, ElementType = typeof(double))] public sealed partial class LstmP9x42p11D;

// bfloat16 inference weights with a projection: the gate weights are rounded, W_hr stays in float.
[LstmCell(17, 31, ProjectionSize = 9, InferenceWeights = WeightFormat.BFloat16)] public sealed partial class LstmP17x31p9Bf16;
