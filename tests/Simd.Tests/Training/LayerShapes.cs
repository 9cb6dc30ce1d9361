using System;

namespace Simd.Tests;

// Dense and embedding shapes under test: sizes mostly not multiples of 4, 8 or 16 so the kernels run vector loops and
// scalar tails; (1, 1) is the degenerate shape and (16, 32) / (32, 16) the all-vector ones. Every activation comes in
// float and double.
[Dense(1, 1)] public sealed partial class DenseNone1x1;
[Dense(7, 5)] public sealed partial class DenseNone7x5;
[Dense(19, 33)] public sealed partial class DenseNone19x33;
[Dense(1, 1, ElementType = typeof(double))] public sealed partial class DenseNone1x1D;
[Dense(7, 5, ElementType = typeof(double))] public sealed partial class DenseNone7x5D;
[Dense(19, 33, ElementType = typeof(double))] public sealed partial class DenseNone19x33D;
[Dense(3, 17, Activation = DenseActivation.Tanh)] public sealed partial class DenseTanh3x17;
[Dense(16, 32, Activation = DenseActivation.Tanh)] public sealed partial class DenseTanh16x32;
[Dense(3, 17, Activation = DenseActivation.Tanh, ElementType = typeof(double))] public sealed partial class DenseTanh3x17D;
[Dense(21, 9, Activation = DenseActivation.Tanh, ElementType = typeof(double))] public sealed partial class DenseTanh21x9D;
[Dense(11, 6, Activation = DenseActivation.Sigmoid)] public sealed partial class DenseSigmoid11x6;
[Dense(32, 16, Activation = DenseActivation.Sigmoid)] public sealed partial class DenseSigmoid32x16;
[Dense(11, 6, Activation = DenseActivation.Sigmoid, ElementType = typeof(double))] public sealed partial class DenseSigmoid11x6D;
[Dense(5, 13, Activation = DenseActivation.Sigmoid, ElementType = typeof(double))] public sealed partial class DenseSigmoid5x13D;
[Dense(9, 23, Activation = DenseActivation.Relu)] public sealed partial class DenseRelu9x23;
[Dense(2, 3, Activation = DenseActivation.Relu)] public sealed partial class DenseRelu2x3;
[Dense(9, 23, Activation = DenseActivation.Relu, ElementType = typeof(double))] public sealed partial class DenseRelu9x23D;
[Dense(17, 4, Activation = DenseActivation.Relu, ElementType = typeof(double))] public sealed partial class DenseRelu17x4D;

[Embedding(1, 1)] public sealed partial class Embed1x1;
[Embedding(6, 13)] public sealed partial class Embed6x13;
[Embedding(20, 32)] public sealed partial class Embed20x32;
[Embedding(1, 1, ElementType = typeof(double))] public sealed partial class Embed1x1D;
[Embedding(6, 13, ElementType = typeof(double))] public sealed partial class Embed6x13D;
[Embedding(11, 7, ElementType = typeof(double))] public sealed partial class Embed11x7D;

/// <summary>A generated dense layer with the activation its reference applies.</summary>
internal sealed record DenseEntry<T>(string Name, DenseActivation Activation, Func<IDenseLayer<T>> Create)
    where T : unmanaged
{
    public override string ToString() => Name;
}

/// <summary>The layers of <c>LayerShapes.cs</c>, by element type.</summary>
internal static class LayerCatalog
{
    public static readonly DenseEntry<float>[] DenseFloat =
    {
        new(nameof(DenseNone1x1), DenseActivation.None, static () => new DenseNone1x1()),
        new(nameof(DenseNone7x5), DenseActivation.None, static () => new DenseNone7x5()),
        new(nameof(DenseNone19x33), DenseActivation.None, static () => new DenseNone19x33()),
        new(nameof(DenseTanh3x17), DenseActivation.Tanh, static () => new DenseTanh3x17()),
        new(nameof(DenseTanh16x32), DenseActivation.Tanh, static () => new DenseTanh16x32()),
        new(nameof(DenseSigmoid11x6), DenseActivation.Sigmoid, static () => new DenseSigmoid11x6()),
        new(nameof(DenseSigmoid32x16), DenseActivation.Sigmoid, static () => new DenseSigmoid32x16()),
        new(nameof(DenseRelu9x23), DenseActivation.Relu, static () => new DenseRelu9x23()),
        new(nameof(DenseRelu2x3), DenseActivation.Relu, static () => new DenseRelu2x3()),
    };

    public static readonly DenseEntry<double>[] DenseDouble =
    {
        new(nameof(DenseNone1x1D), DenseActivation.None, static () => new DenseNone1x1D()),
        new(nameof(DenseNone7x5D), DenseActivation.None, static () => new DenseNone7x5D()),
        new(nameof(DenseNone19x33D), DenseActivation.None, static () => new DenseNone19x33D()),
        new(nameof(DenseTanh3x17D), DenseActivation.Tanh, static () => new DenseTanh3x17D()),
        new(nameof(DenseTanh21x9D), DenseActivation.Tanh, static () => new DenseTanh21x9D()),
        new(nameof(DenseSigmoid11x6D), DenseActivation.Sigmoid, static () => new DenseSigmoid11x6D()),
        new(nameof(DenseSigmoid5x13D), DenseActivation.Sigmoid, static () => new DenseSigmoid5x13D()),
        new(nameof(DenseRelu9x23D), DenseActivation.Relu, static () => new DenseRelu9x23D()),
        new(nameof(DenseRelu17x4D), DenseActivation.Relu, static () => new DenseRelu17x4D()),
    };

    public static readonly Func<IEmbeddingLayer<float>>[] EmbeddingFloat =
    {
        static () => new Embed1x1(), static () => new Embed6x13(), static () => new Embed20x32(),
    };

    public static readonly Func<IEmbeddingLayer<double>>[] EmbeddingDouble =
    {
        static () => new Embed1x1D(), static () => new Embed6x13D(), static () => new Embed11x7D(),
    };
}
