namespace Simd.Tests;

// The shapes under test. Together they hit every remainder of every vector width: hidden sizes give panel
// tails of 1..15 units (float) and 1..7 (double), input sizes give every remainder mod 16, 8 and 4.
[LstmCell(1, 1)] public sealed partial class Lstm1x1;
[LstmCell(3, 5)] public sealed partial class Lstm3x5;
[LstmCell(7, 13)] public sealed partial class Lstm7x13;
[LstmCell(17, 31)] public sealed partial class Lstm17x31;
[LstmCell(33, 65)] public sealed partial class Lstm33x65;
[LstmCell(64, 64)] public sealed partial class Lstm64x64;
[LstmCell(100, 3)] public sealed partial class Lstm100x3;
[LstmCell(128, 256)] public sealed partial class Lstm128x256;
[LstmCell(2, 18)] public sealed partial class Lstm2x18;
[LstmCell(9, 42)] public sealed partial class Lstm9x42;
[LstmCell(66, 7)] public sealed partial class Lstm66x7;
[LstmCell(8, 16)] public sealed partial class Lstm8x16;
[LstmCell(32, 64)] public sealed partial class Lstm32x64;
[LstmCell(5, 71)] public sealed partial class Lstm5x71;

[LstmCell(1, 1, ElementType = typeof(double))] public sealed partial class Lstm1x1D;
[LstmCell(3, 5, ElementType = typeof(double))] public sealed partial class Lstm3x5D;
[LstmCell(7, 13, ElementType = typeof(double))] public sealed partial class Lstm7x13D;
[LstmCell(17, 31, ElementType = typeof(double))] public sealed partial class Lstm17x31D;
[LstmCell(33, 65, ElementType = typeof(double))] public sealed partial class Lstm33x65D;
[LstmCell(64, 64, ElementType = typeof(double))] public sealed partial class Lstm64x64D;
[LstmCell(100, 3, ElementType = typeof(double))] public sealed partial class Lstm100x3D;
[LstmCell(128, 256, ElementType = typeof(double))] public sealed partial class Lstm128x256D;
[LstmCell(2, 18, ElementType = typeof(double))] public sealed partial class Lstm2x18D;
[LstmCell(9, 42, ElementType = typeof(double))] public sealed partial class Lstm9x42D;
[LstmCell(66, 7, ElementType = typeof(double))] public sealed partial class Lstm66x7D;
[LstmCell(5, 11, ElementType = typeof(double))] public sealed partial class Lstm5x11D;

// bfloat16 inference weights: batch-1 steps read half the bytes.
[LstmCell(7, 13, InferenceWeights = WeightFormat.BFloat16)] public sealed partial class Lstm7x13Bf16;
[LstmCell(33, 65, InferenceWeights = WeightFormat.BFloat16)] public sealed partial class Lstm33x65Bf16;
[LstmCell(3, 5, InferenceWeights = WeightFormat.BFloat16)] public sealed partial class Lstm3x5Bf16;
