namespace Simd.Tests;

// Cells of the PyTorch golden files (tools/golden/make_golden.py), in double so the comparison with PyTorch's float64
// results is tight. The other golden shapes reuse NetworkShapes' LstmNet3x5L2BiD, GruNet3x5L2BiD and RnnNet3x5L2BiD.
[LstmCell(4, 6, ProjectionSize = 3, Layers = 2, Bidirectional = true, ElementType = typeof(double))] public sealed partial class GoldenLstm4x6P3L2BiD;
[GruCell(3, 5, Reset = GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public sealed partial class GoldenGruBefore3x5D;
[RnnCell(4, 6, Bidirectional = true, Nonlinearity = RnnNonlinearity.Relu, ElementType = typeof(double))] public sealed partial class GoldenRnnRelu4x6BiD;
[AdditiveAttention(4, 3, 5, ValueSize = 2, ElementType = typeof(double))] public sealed partial class GoldenAdditive4x3x5v2D;
[LuongAttention(4, 3, Score = LuongScore.Concat, AttentionSize = 5, ValueSize = 2, ElementType = typeof(double))] public sealed partial class GoldenConcat4x3x5v2D;
[LuongAttention(4, 3, Score = LuongScore.General, ValueSize = 2, ElementType = typeof(double))] public sealed partial class GoldenGeneral4x3v2D;
[LuongAttention(4, 4, Score = LuongScore.Dot, ValueSize = 2, ElementType = typeof(double))] public sealed partial class GoldenDot4v2D;
[MultiHeadAttention(8, 2, ElementType = typeof(double))] public sealed partial class GoldenMultiHead8x2D;

// Single-layer cells for ONNX import (layered networks come from NetworkShapes).
[GruCell(6, 10, Reset = GruReset.BeforeRecurrentProduct)] public sealed partial class OnnxGruBefore6x10;
[RnnCell(6, 10, Nonlinearity = RnnNonlinearity.Relu)] public sealed partial class OnnxRnnRelu6x10;
