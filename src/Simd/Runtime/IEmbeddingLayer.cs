using System;
using System.Collections.Generic;

namespace Simd;

/// <summary>
/// A generated lookup table (<see cref="EmbeddingAttribute"/>), PyTorch's <c>nn.Embedding</c>:
/// <see cref="IParameterized{T}.Parameters"/> is <c>weight</c> [VocabularySize, Dimension], row-major, and token t's
/// vector is row t.
/// </summary>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IEmbeddingLayer<T> : IParameterized<T>
    where T : unmanaged
{
    /// <summary>Number of rows: tokens are 0 … VocabularySize − 1.</summary>
    int VocabularySize { get; }

    /// <summary>Length of each vector.</summary>
    int Dimension { get; }

    /// <summary>Copies each token's row to the outputs.</summary>
    /// <param name="tokens">Token ids, each in [0, VocabularySize).</param>
    /// <param name="outputs">[tokens.Length, Dimension], overwritten.</param>
    void Forward(ReadOnlySpan<int> tokens, Span<T> outputs);

    /// <summary>Adds each output gradient row to its token's row of the parameter gradients (repeated tokens add up).</summary>
    /// <param name="tokens">The tokens passed to <see cref="Forward"/>.</param>
    /// <param name="outputGradients">dL/d outputs, [tokens.Length, Dimension].</param>
    /// <param name="parameterGradients">dL/dθ, ParameterCount long; added to.</param>
    void Backward(ReadOnlySpan<int> tokens, ReadOnlySpan<T> outputGradients, Span<T> parameterGradients);

    /// <summary>Fills the table from N(0, 1) like PyTorch's <c>nn.Embedding</c>, seeded.</summary>
    /// <param name="seed">Seed.</param>
    void InitializeParameters(ulong seed);

    /// <summary>The tensor names: <c>weight</c>.</summary>
    IReadOnlyList<string> PyTorchParameterNames { get; }

    /// <summary>Loads one tensor by its PyTorch name.</summary>
    /// <param name="name"><c>weight</c> ([VocabularySize, Dimension], row-major).</param>
    /// <param name="tensor">Its values.</param>
    void ImportPyTorch(string name, ReadOnlySpan<T> tensor);

    /// <summary>Writes one tensor by its PyTorch name.</summary>
    /// <param name="name"><c>weight</c>.</param>
    /// <param name="tensor">Receives its values.</param>
    void ExportPyTorch(string name, Span<T> tensor);
}
