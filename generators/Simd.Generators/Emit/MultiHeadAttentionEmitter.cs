using Simd.Generators.Model;
using static Simd.Generators.Emit.AttentionApi;

namespace Simd.Generators.Emit;

/// <summary>
/// Emits multi-head scaled dot-product attention cells. Sizes are constants; the row-by-row work runs through the
/// vector kernels of <c>Simd.Kernels.AttentionMath</c>. Every product is arranged so the kernel's inner loop runs
/// over a contiguous row (a weighted sum of rows) rather than over many short dot products: keys, values and weights
/// are transposed per head into the workspace, and <c>Parameters</c> holds the two weight matrices input-major
/// (transposed), so a projection is a weighted sum of weight rows; import and export convert from and to PyTorch's shapes.
/// </summary>
/// <remarks>
/// Workspace layout. Recorded per sample (stride 7·M·E + H·M², M = MaxKeys): the query, key and value inputs, their
/// projections Qp, Kp, Vp, the attention weights [H, M, M] and the concatenated head contexts C. Scratch (once):
/// row-major copies of in_proj and out_proj weights for backward's dX = dY W, a transposed block [E, M], the
/// gradients dC, dQp, dKp, dVp [M, E] and two [M, M] blocks for the score gradient and the transposes backward needs.
/// Cache layout per stream (stride 2·E·capacity): keys transposed [E, capacity] (so the scores of a head are a
/// weighted sum of its d rows), values per head [H, capacity, d] (so a head's context reads one contiguous block); then
/// scratch q, k, v, context (E each) and every head's scores (H × capacity).
/// </remarks>
internal static class MultiHeadAttentionEmitter
{
    public static string Emit(AttentionSpec spec)
    {
        var e = ElementOf(spec);
        return WriteFile(spec, $"global::Simd.IMultiHeadAttention<{e}>", w => EmitMembers(w, spec, e));
    }

    private static void EmitMembers(SourceWriter w, AttentionSpec spec, string e)
    {
        var m = spec.ModelSize;
        var h = spec.Heads;
        var d = m / h;
        var scale = Literal(spec, 1.0 / System.Math.Sqrt(d));
        var cell = $"global::Simd.IMultiHeadAttention<{e}>";

        w.Line("/// <summary>Length E of every token vector.</summary>");
        w.Line($"public const int ModelSize = {m};");
        w.Line("/// <summary>Number of heads H.</summary>");
        w.Line($"public const int Heads = {h};");
        w.Line("/// <summary>Length of one head, E / H.</summary>");
        w.Line($"public const int HeadSize = {d};");
        w.Line($"private const string SimdLayout = \"MultiHeadAttention({m}, {h}, {e})\";");
        w.Line();
        EmitParameters(w, spec);
        w.Line($"int {cell}.ModelSize => ModelSize;");
        w.Line($"int {cell}.Heads => Heads;");
        w.Line($"int {cell}.HeadSize => HeadSize;");
        w.Line();

        w.Line("/// <summary>The workspace's regions; the recorded ones are per sample (see the generator's layout notes).</summary>");
        w.Open("private readonly ref struct SimdMemory");
        foreach (var field in new[] { "Recorded", "InputWeights", "OutputWeights", "HeadT", "ContextGradient", "QueryGradient", "KeyGradient", "ValueGradient", "Square0", "Square1" })
        {
            w.Line($"public readonly {Span}<{e}> {field};");
        }

        w.Line("public readonly int M;");
        w.Line("public readonly int Stride;");
        w.Line();
        w.Open($"public SimdMemory(global::Simd.AttentionWorkspace<{e}> workspace)");
        w.Line("M = workspace.MaxKeys;");
        w.Line($"Stride = (7 * M * {m}) + ({h} * M * M);");
        w.Line("var s = workspace.Storage;");
        w.Line("Recorded = s.Slice(0, workspace.MaxBatch * Stride);");
        w.Line("s = s.Slice(workspace.MaxBatch * Stride);");
        w.Line($"InputWeights = s.Slice(0, {3 * m * m});");
        w.Line($"OutputWeights = s.Slice({3 * m * m}, {m * m});");
        w.Line($"s = s.Slice({4 * m * m});");
        w.Line($"HeadT = s.Slice(0, M * {m});");
        w.Line($"ContextGradient = s.Slice(M * {m}, M * {m});");
        w.Line($"QueryGradient = s.Slice(2 * M * {m}, M * {m});");
        w.Line($"KeyGradient = s.Slice(3 * M * {m}, M * {m});");
        w.Line($"ValueGradient = s.Slice(4 * M * {m}, M * {m});");
        w.Line($"s = s.Slice(5 * M * {m});");
        w.Line("Square0 = s.Slice(0, M * M);");
        w.Line("Square1 = s.Slice(M * M, M * M);");
        w.Close();
        w.Line();
        w.Line($"public {Span}<{e}> Input(int b, int which) => Recorded.Slice((b * Stride) + (which * M * {m}), M * {m});");
        w.Line($"public {Span}<{e}> Projection(int b, int which) => Recorded.Slice((b * Stride) + ((3 + which) * M * {m}), M * {m});");
        w.Line($"public {Span}<{e}> Context(int b) => Recorded.Slice((b * Stride) + (6 * M * {m}), M * {m});");
        w.Line($"public {Span}<{e}> Weights(int b, int head) => Recorded.Slice((b * Stride) + (7 * M * {m}) + (head * M * M), M * M);");
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc />");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A maximum is below 1, or the storage would exceed the largest array .NET can allocate.</exception>");
        w.Open($"public global::Simd.AttentionWorkspace<{e}> CreateWorkspace(int maxTokens, int maxBatch)");
        w.Line($"{Guard}.Count(maxTokens, int.MaxValue, nameof(maxTokens));");
        w.Line($"{Guard}.Count(maxBatch, int.MaxValue, nameof(maxBatch));");
        w.Line("long tokens = maxTokens;");
        w.Line($"var length = (maxBatch * ((7 * tokens * {m}) + ({h} * tokens * tokens))) + {4 * m * m} + (5 * tokens * {m}) + (2 * tokens * tokens);");
        w.Line($"return new global::Simd.AttentionWorkspace<{e}>(SimdLayout, maxTokens, maxBatch, length);");
        w.Close();
        w.Line();

        EmitForward(w, spec, e, m, h, d, scale);
        EmitBackward(w, spec, e, m, h, d, scale);
        EmitDecode(w, spec, e, m, h, d, scale);
    }

    private static void EmitForward(SourceWriter w, AttentionSpec spec, string e, int m, int h, int d, string scale)
    {
        w.Line("/// <inheritdoc />");
        w.Open($"public void Forward(int queryCount, int keyCount, int batch, {ReadOnlySpan}<{e}> query, {ReadOnlySpan}<{e}> key, {ReadOnlySpan}<{e}> value, {ReadOnlySpan}<int> keyLengths, bool causal, {Span}<{e}> output, {Span}<{e}> weights, global::Simd.AttentionWorkspace<{e}> workspace)");
        w.Line($"{Guard}.NotNull(workspace, nameof(workspace));");
        w.Line("workspace.CheckLayout(SimdLayout, nameof(workspace));");
        w.Line($"{Guard}.Count(queryCount, workspace.MaxKeys, nameof(queryCount));");
        w.Line($"{Guard}.Count(keyCount, workspace.MaxKeys, nameof(keyCount));");
        w.Line($"{Guard}.Count(batch, workspace.MaxBatch, nameof(batch));");
        w.Line($"{Guard}.Length(query.Length, (long)batch * queryCount * ModelSize, nameof(query), \"batch × queryCount × ModelSize = {{0}} × {{1}} × {{2}}\", batch, queryCount, ModelSize);");
        w.Line($"{Guard}.Length(key.Length, (long)batch * keyCount * ModelSize, nameof(key), \"batch × keyCount × ModelSize = {{0}} × {{1}} × {{2}}\", batch, keyCount, ModelSize);");
        w.Line($"{Guard}.Length(value.Length, (long)batch * keyCount * ModelSize, nameof(value), \"batch × keyCount × ModelSize = {{0}} × {{1}} × {{2}}\", batch, keyCount, ModelSize);");
        w.Line($"{Guard}.Length(output.Length, (long)batch * queryCount * ModelSize, nameof(output), \"batch × queryCount × ModelSize = {{0}} × {{1}} × {{2}}\", batch, queryCount, ModelSize);");
        w.Open("if (!weights.IsEmpty)");
        w.Line($"{Guard}.Length(weights.Length, (long)batch * Heads * queryCount * keyCount, nameof(weights), \"empty, or batch × Heads × queryCount × keyCount = {{0}} × {h} × {{1}} × {{2}}\", batch, queryCount, keyCount);");
        w.Close();
        w.Open("if (causal && queryCount != keyCount)");
        w.Line("throw new global::System.ArgumentException($\"A causal mask needs as many queries as keys; got {queryCount} queries and {keyCount} keys.\", nameof(causal));");
        w.Close();
        w.Line("workspace.Record(queryCount, keyCount, batch, keyLengths, causal, nameof(keyLengths));");
        w.Line("var m = new SimdMemory(workspace);");
        w.Line("var p = Parameters;");
        w.Line($"var inputWeights = {TensorSpan(spec, "p", "in_proj_weight")};");
        w.Line($"var outputWeights = {TensorSpan(spec, "p", "out_proj.weight")};");
        w.Line($"var inputBias = {TensorSpan(spec, "p", "in_proj_bias")};");
        w.Line($"var outputBias = {TensorSpan(spec, "p", "out_proj.bias")};");
        w.Open("for (var b = 0; b < batch; b++)");
        w.Line($"query.Slice(b * queryCount * {m}, queryCount * {m}).CopyTo(m.Input(b, 0));");
        w.Line($"key.Slice(b * keyCount * {m}, keyCount * {m}).CopyTo(m.Input(b, 1));");
        w.Line($"value.Slice(b * keyCount * {m}, keyCount * {m}).CopyTo(m.Input(b, 2));");
        w.Open("for (var which = 0; which < 3; which++)");
        w.Line("var rows = which == 0 ? queryCount : keyCount;");
        w.Line("var x = m.Input(b, which);");
        w.Line("var y = m.Projection(b, which);");
        w.Open("for (var t = 0; t < rows; t++)");
        w.Line($"var target = y.Slice(t * {m}, {m});");
        w.Line($"inputBias.Slice(which * {m}, {m}).CopyTo(target);");
        w.Line($"{Math}.Combine<{e}>(x.Slice(t * {m}, {m}), inputWeights.Slice(which * {m}), {3 * m}, target, true);");
        w.Close();
        w.Close();
        w.Line("var valid = workspace.Lengths[b];");
        w.Line("var queries = m.Projection(b, 0);");
        w.Line("var keys = m.Projection(b, 1);");
        w.Line("var values = m.Projection(b, 2);");
        w.Line("var context = m.Context(b);");
        w.Open($"for (var head = 0; head < {h}; head++)");
        w.Line($"{Math}.Transpose<{e}>(keys.Slice(head * {d}), keyCount, {d}, {m}, m.HeadT, m.M);");
        w.Line("var probabilities = m.Weights(b, head);");
        w.Open("for (var i = 0; i < queryCount; i++)");
        w.Line("var seen = causal ? global::System.Math.Min(i + 1, valid) : valid;");
        w.Line("var row = probabilities.Slice(i * m.M, keyCount);");
        w.Line("var scores = row.Slice(0, seen);");
        w.Line($"{Math}.Combine<{e}>(queries.Slice((i * {m}) + (head * {d}), {d}), m.HeadT, m.M, scores, false);");
        w.Line($"{Math}.Softmax<{e}>(scores, {scale});");
        w.Line("row.Slice(seen).Clear();");
        w.Line($"{Math}.Combine<{e}>(scores, values.Slice(head * {d}), {m}, context.Slice((i * {m}) + (head * {d}), {d}), false);");
        w.Open("if (!weights.IsEmpty)");
        w.Line($"row.CopyTo(weights.Slice((((b * {h}) + head) * queryCount + i) * keyCount, keyCount));");
        w.Close();
        w.Close();
        w.Close();
        w.Line($"var outputs = output.Slice(b * queryCount * {m}, queryCount * {m});");
        w.Open("for (var i = 0; i < queryCount; i++)");
        w.Line($"var target = outputs.Slice(i * {m}, {m});");
        w.Line("outputBias.CopyTo(target);");
        w.Line($"{Math}.Combine<{e}>(context.Slice(i * {m}, {m}), outputWeights, {m}, target, true);");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitBackward(SourceWriter w, AttentionSpec spec, string e, int m, int h, int d, string scale)
    {
        w.Line("/// <inheritdoc />");
        w.Open($"public void Backward(global::Simd.AttentionWorkspace<{e}> workspace, {ReadOnlySpan}<{e}> outputGradient, {Span}<{e}> queryGradient, {Span}<{e}> keyGradient, {Span}<{e}> valueGradient, {Span}<{e}> parameterGradients)");
        w.Line($"{Guard}.NotNull(workspace, nameof(workspace));");
        w.Line("workspace.CheckLayout(SimdLayout, nameof(workspace));");
        w.Line("workspace.CheckRecorded(\"Forward\");");
        w.Line("var batch = workspace.Batch;");
        w.Line("var queryCount = workspace.QueryCount;");
        w.Line("var keyCount = workspace.KeyCount;");
        w.Line("var causal = workspace.Causal;");
        w.Line($"{Guard}.Length(outputGradient.Length, (long)batch * queryCount * ModelSize, nameof(outputGradient), \"batch × queryCount × ModelSize = {{0}} × {{1}} × {{2}}\", batch, queryCount, ModelSize);");
        w.Line($"{Guard}.Length(queryGradient.Length, (long)batch * queryCount * ModelSize, nameof(queryGradient), \"batch × queryCount × ModelSize = {{0}} × {{1}} × {{2}}\", batch, queryCount, ModelSize);");
        w.Line($"{Guard}.Length(keyGradient.Length, (long)batch * keyCount * ModelSize, nameof(keyGradient), \"batch × keyCount × ModelSize = {{0}} × {{1}} × {{2}}\", batch, keyCount, ModelSize);");
        w.Line($"{Guard}.Length(valueGradient.Length, (long)batch * keyCount * ModelSize, nameof(valueGradient), \"batch × keyCount × ModelSize = {{0}} × {{1}} × {{2}}\", batch, keyCount, ModelSize);");
        w.Line($"{Guard}.Length(parameterGradients.Length, ParameterCount, nameof(parameterGradients), \"ParameterCount\");");
        w.Line("var m = new SimdMemory(workspace);");
        w.Line("var p = Parameters;");

        // dX = dY W needs W's rows: transpose the input-major storage back once per call.
        w.Line($"var inputWeights = m.InputWeights;");
        w.Line($"var outputWeights = m.OutputWeights;");
        w.Line($"{Math}.Transpose<{e}>({TensorSpan(spec, "p", "in_proj_weight")}, {m}, {3 * m}, {3 * m}, inputWeights, {m});");
        w.Line($"{Math}.Transpose<{e}>({TensorSpan(spec, "p", "out_proj.weight")}, {m}, {m}, {m}, outputWeights, {m});");
        w.Line($"var dInputWeights = {TensorSpan(spec, "parameterGradients", "in_proj_weight")};");
        w.Line($"var dInputBias = {TensorSpan(spec, "parameterGradients", "in_proj_bias")};");
        w.Line($"var dOutputWeights = {TensorSpan(spec, "parameterGradients", "out_proj.weight")};");
        w.Line($"var dOutputBias = {TensorSpan(spec, "parameterGradients", "out_proj.bias")};");
        w.Open("for (var b = 0; b < batch; b++)");
        w.Line("var valid = workspace.Lengths[b];");
        w.Line($"var dOutputs = outputGradient.Slice(b * queryCount * {m}, queryCount * {m});");
        w.Line("var context = m.Context(b);");
        w.Line("var dContext = m.ContextGradient;");

        // Output projection: dC = dY W_o, dW_o += dYᵀ C, db_o += Σ dY.
        w.Open("for (var i = 0; i < queryCount; i++)");
        w.Line($"var dY = dOutputs.Slice(i * {m}, {m});");
        w.Line($"{Math}.Combine<{e}>(dY, outputWeights, {m}, dContext.Slice(i * {m}, {m}), false);");
        w.Line($"{Math}.MultiplyAdd<{e}>(dY, 1, dOutputBias);");
        w.Close();
        w.Line($"SimdAddWeightGradient(dOutputs, queryCount, context, dOutputWeights, {m}, m.HeadT, m.M);");

        // Heads.
        w.Line("var queries = m.Projection(b, 0);");
        w.Line("var keys = m.Projection(b, 1);");
        w.Line("var values = m.Projection(b, 2);");
        w.Line($"var dQueries = m.QueryGradient.Slice(0, queryCount * {m});");
        w.Line($"var dKeys = m.KeyGradient.Slice(0, keyCount * {m});");
        w.Line($"var dValues = m.ValueGradient.Slice(0, keyCount * {m});");
        w.Line("var dScores = m.Square0;");
        w.Line("var transposed = m.Square1;");
        w.Open($"for (var head = 0; head < {h}; head++)");
        w.Line("var probabilities = m.Weights(b, head);");
        w.Line($"{Math}.Transpose<{e}>(values.Slice(head * {d}), keyCount, {d}, {m}, m.HeadT, m.M);");
        w.Open("for (var i = 0; i < queryCount; i++)");
        w.Line("var seen = causal ? global::System.Math.Min(i + 1, valid) : valid;");
        w.Line("var row = dScores.Slice(i * m.M, keyCount);");
        w.Line("var scores = row.Slice(0, seen);");
        w.Line($"{Math}.Combine<{e}>(dContext.Slice((i * {m}) + (head * {d}), {d}), m.HeadT, m.M, scores, false);");
        w.Line($"{Math}.SoftmaxBackward<{e}>(probabilities.Slice(i * m.M, seen), scores, scores);");
        w.Line($"{Math}.Scale<{e}>(scores, {scale});");
        w.Line("row.Slice(seen).Clear();");
        w.Line($"{Math}.Combine<{e}>(scores, keys.Slice(head * {d}), {m}, dQueries.Slice((i * {m}) + (head * {d}), {d}), false);");
        w.Close();

        // dV_j = Σ_i P_ij dC_i and dK_j = Σ_i dS_ij Q_i, each from a transposed [Tq, Tk] block.
        w.Line($"{Math}.Transpose<{e}>(probabilities, queryCount, keyCount, m.M, transposed, m.M);");
        w.Open("for (var j = 0; j < keyCount; j++)");
        w.Line($"{Math}.Combine<{e}>(transposed.Slice(j * m.M, queryCount), dContext.Slice(head * {d}), {m}, dValues.Slice((j * {m}) + (head * {d}), {d}), false);");
        w.Close();
        w.Line($"{Math}.Transpose<{e}>(dScores, queryCount, keyCount, m.M, transposed, m.M);");
        w.Open("for (var j = 0; j < keyCount; j++)");
        w.Line($"{Math}.Combine<{e}>(transposed.Slice(j * m.M, queryCount), queries.Slice(head * {d}), {m}, dKeys.Slice((j * {m}) + (head * {d}), {d}), false);");
        w.Close();
        w.Close();

        // Input projections: dX = dP W, dW += dPᵀ X, db += Σ dP for each of q, k, v.
        w.Line($"SimdProjectionBackward(dQueries, queryCount, m.Input(b, 0), inputWeights.Slice({0 * m * m}, {m * m}), dInputWeights.Slice({0 * m}), dInputBias.Slice({0 * m}, {m}), queryGradient.Slice(b * queryCount * {m}, queryCount * {m}), m.HeadT, m.M);");
        w.Line($"SimdProjectionBackward(dKeys, keyCount, m.Input(b, 1), inputWeights.Slice({1 * m * m}, {m * m}), dInputWeights.Slice({1 * m}), dInputBias.Slice({1 * m}, {m}), keyGradient.Slice(b * keyCount * {m}, keyCount * {m}), m.HeadT, m.M);");
        w.Line($"SimdProjectionBackward(dValues, keyCount, m.Input(b, 2), inputWeights.Slice({2 * m * m}, {m * m}), dInputWeights.Slice({2 * m}), dInputBias.Slice({2 * m}, {m}), valueGradient.Slice(b * keyCount * {m}, keyCount * {m}), m.HeadT, m.M);");
        w.Close();
        w.Close();
        w.Line();

        w.Line("/// <summary>");
        w.Line("/// Adds Xᵀ dY over <paramref name=\"rows\"/> tokens to an input-major weight gradient (row i of <paramref name=\"dW\"/>,");
        w.Line("/// <paramref name=\"dWStride\"/> apart, holds input i's gradient for every output), one row at a time from the transposed X.");
        w.Line("/// </summary>");
        w.Open($"private static void SimdAddWeightGradient({ReadOnlySpan}<{e}> dY, int rows, {ReadOnlySpan}<{e}> x, {Span}<{e}> dW, int dWStride, {Span}<{e}> scratch, int stride)");
        w.Line($"{Math}.Transpose<{e}>(x, rows, {m}, {m}, scratch, stride);");
        w.Open($"for (var i = 0; i < {m}; i++)");
        w.Line($"{Math}.Combine<{e}>(scratch.Slice(i * stride, rows), dY, {m}, dW.Slice(i * dWStride, {m}), true);");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>The backward of one input projection y = W x + b over <paramref name=\"rows\"/> tokens.</summary>");
        w.Open($"private static void SimdProjectionBackward({ReadOnlySpan}<{e}> dY, int rows, {ReadOnlySpan}<{e}> x, {ReadOnlySpan}<{e}> weights, {Span}<{e}> dWeights, {Span}<{e}> dBias, {Span}<{e}> dX, {Span}<{e}> scratch, int stride)");
        w.Open("for (var t = 0; t < rows; t++)");
        w.Line($"var dRow = dY.Slice(t * {m}, {m});");
        w.Line($"{Math}.Combine<{e}>(dRow, weights, {m}, dX.Slice(t * {m}, {m}), false);");
        w.Line($"{Math}.MultiplyAdd<{e}>(dRow, 1, dBias);");
        w.Close();
        w.Line($"SimdAddWeightGradient(dY, rows, x, dWeights, {3 * m}, scratch, stride);");
        w.Close();
        w.Line();
    }

    private static void EmitDecode(SourceWriter w, AttentionSpec spec, string e, int m, int h, int d, string scale)
    {
        w.Line("/// <inheritdoc />");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A maximum is below 1, or the storage would exceed the largest array .NET can allocate.</exception>");
        w.Open($"public global::Simd.KeyValueCache<{e}> CreateCache(int capacity, int maxBatch)");
        w.Line($"{Guard}.Count(capacity, int.MaxValue, nameof(capacity));");
        w.Line($"{Guard}.Count(maxBatch, int.MaxValue, nameof(maxBatch));");
        w.Line($"var length = ((long)maxBatch * {2 * m} * capacity) + {4 * m} + ({h} * (long)capacity);");
        w.Line($"return new global::Simd.KeyValueCache<{e}>(SimdLayout, capacity, maxBatch, length);");
        w.Close();
        w.Line();
        w.Line("/// <inheritdoc />");
        w.Open($"public void DecodeStep(int batch, {ReadOnlySpan}<{e}> input, global::Simd.KeyValueCache<{e}> cache, {Span}<{e}> output, {Span}<{e}> weights)");
        w.Line($"{Guard}.NotNull(cache, nameof(cache));");
        w.Line("cache.CheckAppend(SimdLayout, batch);");
        w.Line("var position = cache.Count;");
        w.Line("var seen = position + 1;");
        w.Line($"{Guard}.Length(input.Length, (long)batch * ModelSize, nameof(input), \"batch × ModelSize = {{0}} × {{1}}\", batch, ModelSize);");
        w.Line($"{Guard}.Length(output.Length, (long)batch * ModelSize, nameof(output), \"batch × ModelSize = {{0}} × {{1}}\", batch, ModelSize);");
        w.Open("if (!weights.IsEmpty)");
        w.Line($"{Guard}.Length(weights.Length, (long)batch * Heads * seen, nameof(weights), \"empty, or batch × Heads × (cached tokens + 1) = {{0}} × {h} × {{1}}\", batch, seen);");
        w.Close();
        w.Line("var capacity = cache.Capacity;");
        w.Line("var storage = cache.Storage;");
        w.Line($"var scratch = storage.Slice(cache.MaxBatch * {2 * m} * capacity);");
        w.Line($"var q = scratch.Slice(0, {m});");
        w.Line($"var k = scratch.Slice({m}, {m});");
        w.Line($"var v = scratch.Slice({2 * m}, {m});");
        w.Line($"var context = scratch.Slice({3 * m}, {m});");
        w.Line($"var allScores = scratch.Slice({4 * m}, {h} * seen);");
        w.Line("var p = Parameters;");
        w.Line($"var inputWeights = {TensorSpan(spec, "p", "in_proj_weight")};");
        w.Line($"var inputBias = {TensorSpan(spec, "p", "in_proj_bias")};");
        w.Line($"var outputWeights = {TensorSpan(spec, "p", "out_proj.weight")};");
        w.Line($"var outputBias = {TensorSpan(spec, "p", "out_proj.bias")};");
        w.Open("for (var b = 0; b < batch; b++)");
        w.Line($"var x = input.Slice(b * {m}, {m});");
        w.Line($"var projected = scratch.Slice(0, {3 * m});");
        w.Line("inputBias.CopyTo(projected);");
        w.Line($"{Math}.Combine<{e}>(x, inputWeights, {3 * m}, projected, true);");
        w.Line($"var keysT = storage.Slice(b * {2 * m} * capacity, {m} * capacity);");
        w.Line($"var values = storage.Slice((b * {2 * m} * capacity) + ({m} * capacity), {m} * capacity);");
        w.Open($"for (var o = 0; o < {m}; o++)");
        w.Line("keysT[(o * capacity) + position] = k[o];");
        w.Close();
        w.Open($"for (var head = 0; head < {h}; head++)");
        w.Line($"v.Slice(head * {d}, {d}).CopyTo(values.Slice((head * capacity + position) * {d}, {d}));");
        w.Close();
        // Every head's scores first: the softmax of head h + 1 then has no memory dependence and can run while the
        // loads of head h's context (a stream from L2) are still in flight.
        w.Open($"for (var head = 0; head < {h}; head++)");
        w.Line($"{Math}.Combine<{e}>(q.Slice(head * {d}, {d}), keysT.Slice(head * {d} * capacity), capacity, allScores.Slice(head * seen, seen), false);");
        w.Close();
        w.Open($"for (var head = 0; head < {h}; head++)");
        w.Line("var scores = allScores.Slice(head * seen, seen);");
        // Unnormalized weights: the head's context is divided by their sum once (d divisions, not one per key).
        w.Line($"var inverseSum = 1 / {Math}.SoftmaxNumerators<{e}>(scores, {scale});");
        w.Line($"var headContext = context.Slice(head * {d}, {d});");
        w.Line($"{Math}.Combine<{e}>(scores, values.Slice(head * capacity * {d}), {d}, headContext, false);");
        w.Line($"{Math}.Scale<{e}>(headContext, inverseSum);");
        w.Open("if (!weights.IsEmpty)");
        w.Line($"var headWeights = weights.Slice(((b * {h}) + head) * seen, seen);");
        w.Line("scores.CopyTo(headWeights);");
        w.Line($"{Math}.Scale<{e}>(headWeights, inverseSum);");
        w.Close();
        w.Close();
        w.Line($"var target = output.Slice(b * {m}, {m});");
        w.Line("outputBias.CopyTo(target);");
        w.Line($"{Math}.Combine<{e}>(context, outputWeights, {m}, target, true);");
        w.Close();
        w.Line("cache.Appended(batch);");
        w.Close();
    }
}
