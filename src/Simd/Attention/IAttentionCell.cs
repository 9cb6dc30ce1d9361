using System;
using System.Collections.Generic;

namespace Simd;

/// <summary>
/// What every generated attention cell offers: its parameters as one span (the named tensors concatenated in
/// <see cref="ParameterNames"/> order), import and export by name, and seeded initialisation.
/// </summary>
/// <remarks>
/// Each tensor's block in <see cref="IParameterized{T}.Parameters"/> (and in every parameter-gradient span) is row-major, except the two
/// weight matrices of multi-head attention (<c>in_proj_weight</c>, <c>out_proj.weight</c>), which are stored transposed
/// (input-major) so that every projection is a weighted sum of contiguous rows. <see cref="ImportParameter"/> and
/// <see cref="ExportParameter"/> always use the row-major PyTorch shapes.
/// </remarks>
/// <typeparam name="T">Element type: <see cref="float"/> or <see cref="double"/>.</typeparam>
public interface IAttentionCell<T> : IParameterized<T>
    where T : unmanaged
{
    /// <summary>The tensor names, in the order they are stored in <see cref="IParameterized{T}.Parameters"/>.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Element count of the tensor called <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="ParameterNames"/>.</param>
    /// <returns>Its element count.</returns>
    int ParameterLength(string name);

    /// <summary>Offset of the tensor called <paramref name="name"/> in <see cref="IParameterized{T}.Parameters"/>.</summary>
    /// <param name="name">One of <see cref="ParameterNames"/>.</param>
    /// <returns>Its offset.</returns>
    int ParameterOffset(string name);

    /// <summary>Loads one tensor, row-major, by its name.</summary>
    /// <param name="name">One of <see cref="ParameterNames"/>.</param>
    /// <param name="tensor">Its values; <see cref="ParameterLength"/> long.</param>
    void ImportParameter(string name, ReadOnlySpan<T> tensor);

    /// <summary>Writes one tensor, row-major, by its name.</summary>
    /// <param name="name">One of <see cref="ParameterNames"/>.</param>
    /// <param name="tensor">Receives its values; <see cref="ParameterLength"/> long.</param>
    void ExportParameter(string name, Span<T> tensor);

    /// <summary>
    /// Copies the tensor called <paramref name="name"/>, in its row-major PyTorch shape, out of any span in this cell's
    /// parameter layout: <see cref="IParameterized{T}.Parameters"/> or a parameter-gradient span filled by a backward pass.
    /// </summary>
    /// <param name="source">ParameterCount long, in this cell's parameter layout.</param>
    /// <param name="name">One of <see cref="ParameterNames"/>.</param>
    /// <param name="tensor">Receives its values; <see cref="ParameterLength"/> long.</param>
    void ReadTensor(ReadOnlySpan<T> source, string name, Span<T> tensor);

    /// <summary>Fills the parameters with a seeded generator (the distributions are documented on each attribute's cell).</summary>
    /// <param name="seed">Seed.</param>
    void InitializeParameters(ulong seed);
}

/// <summary>
/// A single-head attention cell (additive or Luong) for an encoder–decoder: <see cref="Prepare"/> takes a batch of
/// key/value sequences once (the "memory"), then every decoder <see cref="Step"/> attends from a batch of queries to it.
/// </summary>
/// <remarks>
/// <para>Shapes: keys [B, T, K], values [B, T, V], queries [B, Q], context [B, V], weights [B, T] (batch-major).
/// <c>lengths</c> [B] gives each sample's number of valid keys (0 to T); keys at and after it are padding and get weight 0.
/// An empty <c>lengths</c> means all T keys are valid.</para>
/// <para>A sample with no valid keys gets a zero context and zero weights, and passes no gradient.</para>
/// <para>Backward: call <see cref="StepBackward"/> for the steps (in any order; it recomputes the step's forward
/// internals rather than storing them), then <see cref="PrepareBackward"/> once. Gradients of the memory (keys and
/// values) accumulate inside the workspace across steps; parameter gradients are added to the caller's span; query
/// gradients are overwritten.</para>
/// <para>A workspace holds scratch for one call at a time: give each thread its own.</para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public interface ISingleHeadAttention<T> : IAttentionCell<T>
    where T : unmanaged
{
    /// <summary>Length of each query.</summary>
    int QuerySize { get; }

    /// <summary>Length of each key.</summary>
    int KeySize { get; }

    /// <summary>Length of each value and of the context.</summary>
    int ValueSize { get; }

    /// <summary>Length of the additive score's hidden layer; 0 for the dot and general scores.</summary>
    int AttentionSize { get; }

    /// <summary>Creates a workspace for up to <paramref name="maxKeys"/> keys per sample and <paramref name="maxBatch"/> samples.</summary>
    /// <param name="maxKeys">Largest T.</param><param name="maxBatch">Largest B.</param>
    /// <returns>A workspace to reuse across sequences.</returns>
    AttentionWorkspace<T> CreateWorkspace(int maxKeys, int maxBatch);

    /// <summary>Copies the memory into the workspace, precomputes what every step reuses, and clears the memory gradients.</summary>
    /// <param name="keyCount">T, from 1 to the workspace's MaxKeys.</param><param name="batch">B, from 1 to MaxBatch.</param>
    /// <param name="keys">[B, T, K].</param><param name="values">[B, T, V].</param>
    /// <param name="lengths">[B] valid keys per sample (each 0 to T), or empty for all T.</param>
    /// <param name="workspace">From <see cref="CreateWorkspace"/> of this cell type.</param>
    void Prepare(int keyCount, int batch, ReadOnlySpan<T> keys, ReadOnlySpan<T> values, ReadOnlySpan<int> lengths, AttentionWorkspace<T> workspace);

    /// <summary>One decoder step: attends from each query to its sample's memory.</summary>
    /// <param name="queries">[B, Q].</param><param name="workspace">Prepared workspace.</param>
    /// <param name="context">[B, V], overwritten.</param><param name="weights">[B, T] attention weights (0 on padding), overwritten; or empty.</param>
    void Step(ReadOnlySpan<T> queries, AttentionWorkspace<T> workspace, Span<T> context, Span<T> weights);

    /// <summary>Backward of one <see cref="Step"/> with the same queries and workspace.</summary>
    /// <param name="queries">[B, Q], as given to the step.</param><param name="workspace">Prepared workspace; receives the memory gradients.</param>
    /// <param name="contextGradient">[B, V] dL/dcontext.</param><param name="queryGradient">[B, Q], overwritten.</param>
    /// <param name="parameterGradients">ParameterCount long; added to.</param>
    void StepBackward(ReadOnlySpan<T> queries, AttentionWorkspace<T> workspace, ReadOnlySpan<T> contextGradient, Span<T> queryGradient, Span<T> parameterGradients);

    /// <summary>Finishes backward: writes the memory gradients gathered by every <see cref="StepBackward"/> since <see cref="Prepare"/>.</summary>
    /// <param name="workspace">Prepared workspace.</param>
    /// <param name="keyGradient">[B, T, K], overwritten.</param><param name="valueGradient">[B, T, V], overwritten.</param>
    /// <param name="parameterGradients">ParameterCount long; the key projection's gradient is added to it.</param>
    void PrepareBackward(AttentionWorkspace<T> workspace, Span<T> keyGradient, Span<T> valueGradient, Span<T> parameterGradients);
}

/// <summary>
/// Multi-head scaled dot-product attention with Q, K, V and output projections (PyTorch <c>nn.MultiheadAttention</c>
/// with biases and batch-first tensors).
/// </summary>
/// <remarks>
/// <para>Shapes: query [B, Tq, E], key and value [B, Tk, E], output [B, Tq, E], weights [B, H, Tq, Tk] (batch-major).
/// <c>keyLengths</c> [B] masks keys at and after each sample's length (an empty span means all valid); <c>causal</c>
/// masks key j for query i when j &gt; i (it needs Tq = Tk). Padded query rows are computed like any other; a loss
/// should ignore them.</para>
/// <para>A query row with no unmasked key gets zero weights and a zero attention context, so its output is
/// <c>out_proj.bias</c>; it passes no gradient to the keys and values.</para>
/// <para>Self-attention passes the same tensor as query, key and value; its gradient is then the sum of the three
/// input gradients.</para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public interface IMultiHeadAttention<T> : IAttentionCell<T>
    where T : unmanaged
{
    /// <summary>Length E of every token vector.</summary>
    int ModelSize { get; }

    /// <summary>Number of heads H.</summary>
    int Heads { get; }

    /// <summary>Length of one head, E / H.</summary>
    int HeadSize { get; }

    /// <summary>Creates a workspace (the tape of <see cref="Forward"/>) for up to <paramref name="maxTokens"/> queries and keys per sample.</summary>
    /// <param name="maxTokens">Largest Tq and Tk.</param><param name="maxBatch">Largest B.</param>
    /// <returns>A workspace to reuse across calls.</returns>
    AttentionWorkspace<T> CreateWorkspace(int maxTokens, int maxBatch);

    /// <summary>Attention over a batch of sequences; records what <see cref="Backward"/> needs in the workspace.</summary>
    /// <param name="queryCount">Tq.</param><param name="keyCount">Tk.</param><param name="batch">B.</param>
    /// <param name="query">[B, Tq, E].</param><param name="key">[B, Tk, E].</param><param name="value">[B, Tk, E].</param>
    /// <param name="keyLengths">[B] valid keys per sample (each 0 to Tk), or empty for all.</param>
    /// <param name="causal">Whether query i may only see keys j ≤ i.</param>
    /// <param name="output">[B, Tq, E], overwritten.</param><param name="weights">[B, H, Tq, Tk], overwritten; or empty.</param>
    /// <param name="workspace">From <see cref="CreateWorkspace"/>.</param>
    void Forward(int queryCount, int keyCount, int batch, ReadOnlySpan<T> query, ReadOnlySpan<T> key, ReadOnlySpan<T> value, ReadOnlySpan<int> keyLengths, bool causal, Span<T> output, Span<T> weights, AttentionWorkspace<T> workspace);

    /// <summary>Backward of the last <see cref="Forward"/> recorded in the workspace.</summary>
    /// <param name="workspace">The recorded workspace.</param><param name="outputGradient">[B, Tq, E].</param>
    /// <param name="queryGradient">[B, Tq, E], overwritten.</param><param name="keyGradient">[B, Tk, E], overwritten.</param>
    /// <param name="valueGradient">[B, Tk, E], overwritten.</param><param name="parameterGradients">ParameterCount long; added to.</param>
    void Backward(AttentionWorkspace<T> workspace, ReadOnlySpan<T> outputGradient, Span<T> queryGradient, Span<T> keyGradient, Span<T> valueGradient, Span<T> parameterGradients);

    /// <summary>Creates a key/value cache for incremental decoding of up to <paramref name="capacity"/> tokens per sample.</summary>
    /// <param name="capacity">Most tokens the cache holds.</param><param name="maxBatch">Largest B.</param>
    /// <returns>An empty cache.</returns>
    KeyValueCache<T> CreateCache(int capacity, int maxBatch);

    /// <summary>
    /// One causal self-attention step for a batch of streams: projects each new token, appends its key and value to the
    /// cache, and attends from it to every cached token. Step n's output equals row n of a causal <see cref="Forward"/>
    /// over the first n + 1 tokens.
    /// </summary>
    /// <param name="batch">B; the same for every step since the cache was last cleared.</param>
    /// <param name="input">[B, E], the new tokens.</param><param name="cache">The streams' cache; its Count grows by one.</param>
    /// <param name="output">[B, E], overwritten.</param>
    /// <param name="weights">[B, H, n] with n = cache.Count after the step, overwritten; or empty.</param>
    void DecodeStep(int batch, ReadOnlySpan<T> input, KeyValueCache<T> cache, Span<T> output, Span<T> weights);
}
