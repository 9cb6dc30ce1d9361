using System;

namespace Simd;

/// <summary>
/// Generates an embedding table into the annotated <c>partial</c> class: PyTorch's
/// <c>nn.Embedding(vocabulary, dimension)</c> with a batched lookup, its backward (gradient rows added per token),
/// seeded N(0, 1) initialisation and import/export of <c>weight</c>. The class implements
/// <see cref="IEmbeddingLayer{T}"/>.
/// </summary>
/// <remarks>Bad arguments are reported at compile time with <c>SIMD</c> diagnostics.</remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Declares an embedding table.</summary>
    /// <param name="vocabulary">Number of tokens (rows); at least 1.</param>
    /// <param name="dimension">Length of each vector; at least 1.</param>
    public EmbeddingAttribute(int vocabulary, int dimension)
    {
        Vocabulary = vocabulary;
        Dimension = dimension;
    }

    /// <summary>Number of tokens.</summary>
    public int Vocabulary { get; }

    /// <summary>Length of each vector.</summary>
    public int Dimension { get; }

    /// <summary>Element type: <c>typeof(float)</c> (default) or <c>typeof(double)</c>.</summary>
    public Type ElementType { get; set; } = typeof(float);
}
