namespace Simd.Tests;

// Layered networks under test: stacked, bidirectional and both, with hidden sizes that leave vector tails
// (5, 13, 11, 31, 18 in float; 3, 5, 7 in double) and inner layers whose input (Directions × H) is not a multiple of
// any vector width either.
[LstmCell(3, 5, Layers = 2)] public sealed partial class LstmNet3x5L2;
[LstmCell(7, 13, Bidirectional = true)] public sealed partial class LstmNet7x13Bi;
[LstmCell(5, 11, Layers = 2, Bidirectional = true)] public sealed partial class LstmNet5x11L2Bi;
[LstmCell(17, 31, Layers = 3, Bidirectional = true)] public sealed partial class LstmNet17x31L3Bi;
[LstmCell(2, 18, Layers = 3)] public sealed partial class LstmNet2x18L3;

[LstmCell(3, 5, Layers = 2, Bidirectional = true, ElementType = typeof(double))] public sealed partial class LstmNet3x5L2BiD;
[LstmCell(4, 7, Layers = 2, ElementType = typeof(double))] public sealed partial class LstmNet4x7L2D;
[LstmCell(2, 3, Bidirectional = true, ElementType = typeof(double))] public sealed partial class LstmNet2x3BiD;
[LstmCell(5, 6, Layers = 3, Bidirectional = true, ElementType = typeof(double))] public sealed partial class LstmNet5x6L3BiD;

[GruCell(3, 5, Layers = 2)] public sealed partial class GruNet3x5L2;
[GruCell(7, 13, Bidirectional = true)] public sealed partial class GruNet7x13Bi;
[GruCell(5, 11, Layers = 2, Bidirectional = true, Reset = GruReset.BeforeRecurrentProduct)] public sealed partial class GruNet5x11L2BiBefore;

[GruCell(3, 5, Layers = 2, Bidirectional = true, ElementType = typeof(double))] public sealed partial class GruNet3x5L2BiD;
[GruCell(2, 3, Bidirectional = true, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GruNet2x3BiBeforeD;
[GruCell(4, 7, Layers = 2, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GruNet4x7L2BeforeD;

[RnnCell(3, 5, Layers = 2)] public sealed partial class RnnNet3x5L2;
[RnnCell(7, 13, Bidirectional = true, Nonlinearity = RnnNonlinearity.Relu)] public sealed partial class RnnNet7x13BiRelu;
[RnnCell(5, 11, Layers = 2, Bidirectional = true)] public sealed partial class RnnNet5x11L2Bi;

[RnnCell(3, 5, Layers = 2, Bidirectional = true, ElementType = typeof(double))] public sealed partial class RnnNet3x5L2BiD;
[RnnCell(4, 7, Layers = 2, ElementType = typeof(double))] public sealed partial class RnnNet4x7L2D;

[LstmCell(7, 13, ProjectionSize = 5, Layers = 2, Bidirectional = true)] public sealed partial class LstmNet7x13P5L2Bi;
[LstmCell(3, 6, ProjectionSize = 2, Layers = 2, Bidirectional = true, ElementType = typeof(double))] public sealed partial class LstmNet3x6P2L2BiD;
