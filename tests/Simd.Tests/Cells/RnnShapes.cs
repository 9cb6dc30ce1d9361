namespace Simd.Tests;

// The RNN shapes under test. As for the LSTM, together they hit every remainder of every vector width: hidden sizes
// leave column tails of 1..15 floats and 1..7 doubles, input sizes every remainder mod 16, 8 and 4. The ReLU shapes
// cover full tiles and tails on every path.
[RnnCell(1, 1)] public sealed partial class Rnn1x1;
[RnnCell(3, 5)] public sealed partial class Rnn3x5;
[RnnCell(7, 13)] public sealed partial class Rnn7x13;
[RnnCell(17, 31)] public sealed partial class Rnn17x31;
[RnnCell(33, 65)] public sealed partial class Rnn33x65;
[RnnCell(64, 64)] public sealed partial class Rnn64x64;
[RnnCell(100, 3)] public sealed partial class Rnn100x3;
[RnnCell(128, 256)] public sealed partial class Rnn128x256;
[RnnCell(2, 18)] public sealed partial class Rnn2x18;
[RnnCell(9, 42)] public sealed partial class Rnn9x42;
[RnnCell(66, 7)] public sealed partial class Rnn66x7;
[RnnCell(5, 71)] public sealed partial class Rnn5x71;
[RnnCell(32, 64)] public sealed partial class Rnn32x64;

[RnnCell(1, 1, ElementType = typeof(double))] public sealed partial class Rnn1x1D;
[RnnCell(3, 5, ElementType = typeof(double))] public sealed partial class Rnn3x5D;
[RnnCell(7, 13, ElementType = typeof(double))] public sealed partial class Rnn7x13D;
[RnnCell(17, 31, ElementType = typeof(double))] public sealed partial class Rnn17x31D;
[RnnCell(33, 65, ElementType = typeof(double))] public sealed partial class Rnn33x65D;
[RnnCell(64, 64, ElementType = typeof(double))] public sealed partial class Rnn64x64D;
[RnnCell(100, 3, ElementType = typeof(double))] public sealed partial class Rnn100x3D;
[RnnCell(128, 256, ElementType = typeof(double))] public sealed partial class Rnn128x256D;
[RnnCell(2, 18, ElementType = typeof(double))] public sealed partial class Rnn2x18D;
[RnnCell(9, 42, ElementType = typeof(double))] public sealed partial class Rnn9x42D;
[RnnCell(66, 7, ElementType = typeof(double))] public sealed partial class Rnn66x7D;
[RnnCell(5, 71, ElementType = typeof(double))] public sealed partial class Rnn5x71D;

[RnnCell(3, 5, Nonlinearity = RnnNonlinearity.Relu)] public sealed partial class RnnRelu3x5;
[RnnCell(7, 13, Nonlinearity = RnnNonlinearity.Relu)] public sealed partial class RnnRelu7x13;
[RnnCell(17, 31, Nonlinearity = RnnNonlinearity.Relu)] public sealed partial class RnnRelu17x31;
[RnnCell(33, 65, Nonlinearity = RnnNonlinearity.Relu)] public sealed partial class RnnRelu33x65;
[RnnCell(9, 42, Nonlinearity = RnnNonlinearity.Relu)] public sealed partial class RnnRelu9x42;

[RnnCell(3, 5, Nonlinearity = RnnNonlinearity.Relu, ElementType = typeof(double))] public sealed partial class RnnRelu3x5D;
[RnnCell(7, 13, Nonlinearity = RnnNonlinearity.Relu, ElementType = typeof(double))] public sealed partial class RnnRelu7x13D;
[RnnCell(17, 31, Nonlinearity = RnnNonlinearity.Relu, ElementType = typeof(double))] public sealed partial class RnnRelu17x31D;
[RnnCell(33, 65, Nonlinearity = RnnNonlinearity.Relu, ElementType = typeof(double))] public sealed partial class RnnRelu33x65D;
[RnnCell(9, 42, Nonlinearity = RnnNonlinearity.Relu, ElementType = typeof(double))] public sealed partial class RnnRelu9x42D;
