namespace Simd.Tests;

// The GRU shapes under test, chosen like the LSTM's: hidden sizes leave panel tails of many widths (1..15 units in
// float, 1..7 in double) and input sizes every remainder of the vector widths. Reset-before shares the kernels'
// tiling with reset-after, so a smaller set with tails covers its two-phase step.

[GruCell(1, 1)] public sealed partial class Gru1x1;
[GruCell(3, 5)] public sealed partial class Gru3x5;
[GruCell(7, 13)] public sealed partial class Gru7x13;
[GruCell(17, 31)] public sealed partial class Gru17x31;
[GruCell(33, 65)] public sealed partial class Gru33x65;
[GruCell(64, 64)] public sealed partial class Gru64x64;
[GruCell(100, 3)] public sealed partial class Gru100x3;
[GruCell(128, 256)] public sealed partial class Gru128x256;
[GruCell(2, 18)] public sealed partial class Gru2x18;
[GruCell(9, 42)] public sealed partial class Gru9x42;
[GruCell(66, 7)] public sealed partial class Gru66x7;
[GruCell(5, 71)] public sealed partial class Gru5x71;
[GruCell(32, 64)] public sealed partial class Gru32x64;

[GruCell(1, 1, ElementType = typeof(double))] public sealed partial class Gru1x1D;
[GruCell(3, 5, ElementType = typeof(double))] public sealed partial class Gru3x5D;
[GruCell(7, 13, ElementType = typeof(double))] public sealed partial class Gru7x13D;
[GruCell(17, 31, ElementType = typeof(double))] public sealed partial class Gru17x31D;
[GruCell(33, 65, ElementType = typeof(double))] public sealed partial class Gru33x65D;
[GruCell(64, 64, ElementType = typeof(double))] public sealed partial class Gru64x64D;
[GruCell(100, 3, ElementType = typeof(double))] public sealed partial class Gru100x3D;
[GruCell(128, 256, ElementType = typeof(double))] public sealed partial class Gru128x256D;
[GruCell(2, 18, ElementType = typeof(double))] public sealed partial class Gru2x18D;
[GruCell(9, 42, ElementType = typeof(double))] public sealed partial class Gru9x42D;
[GruCell(66, 7, ElementType = typeof(double))] public sealed partial class Gru66x7D;
[GruCell(5, 71, ElementType = typeof(double))] public sealed partial class Gru5x71D;

[GruCell(1, 1, Reset = GruReset.BeforeRecurrentProduct)] public sealed partial class GruRb1x1;
[GruCell(3, 5, Reset = GruReset.BeforeRecurrentProduct)] public sealed partial class GruRb3x5;
[GruCell(7, 13, Reset = GruReset.BeforeRecurrentProduct)] public sealed partial class GruRb7x13;
[GruCell(17, 31, Reset = GruReset.BeforeRecurrentProduct)] public sealed partial class GruRb17x31;
[GruCell(9, 42, Reset = GruReset.BeforeRecurrentProduct)] public sealed partial class GruRb9x42;
[GruCell(66, 7, Reset = GruReset.BeforeRecurrentProduct)] public sealed partial class GruRb66x7;

[GruCell(1, 1, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GruRb1x1D;
[GruCell(3, 5, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GruRb3x5D;
[GruCell(7, 13, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GruRb7x13D;
[GruCell(17, 31, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GruRb17x31D;
[GruCell(9, 42, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GruRb9x42D;
[GruCell(66, 7, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GruRb66x7D;
