using Simd.Generators.Model;
using static Simd.Generators.Emit.AttentionApi;

namespace Simd.Generators.Emit;

/// <summary>
/// Emits additive and Luong attention cells. Sizes are constants; the per-key and per-row work runs through the
/// length-generic vector kernels of <c>Simd.Kernels.AttentionMath</c>, called with those constants.
/// </summary>
/// <remarks>
/// Workspace layout, each block [MaxBatch, MaxKeys, ·]: keys (K), values (V), projected keys (A, additive scores
/// only), the memory-gradient accumulators (A for additive scores, else K; then V), and scratch: the projected query u
/// and its gradient (A, or K for the general score), the scores and their gradients (MaxKeys each), and the transposed
/// projected-key gradient (A × MaxKeys, additive scores only).
/// </remarks>
internal static class SingleHeadAttentionEmitter
{
    public static string Emit(AttentionSpec spec)
    {
        var e = ElementOf(spec);
        return WriteFile(spec, $"global::Simd.ISingleHeadAttention<{e}>", w => EmitMembers(w, spec, e));
    }

    private static void EmitMembers(SourceWriter w, AttentionSpec spec, string e)
    {
        var additive = spec.IsAdditiveScore;
        var q = spec.QuerySize;
        var k = spec.KeySize;
        var v = spec.ValueSize;
        var a = spec.AttentionSize;
        var projected = additive ? a : 0;
        var keyGradient = additive ? a : k;
        var u = additive ? a : spec.Kind == AttentionKind.LuongGeneral ? k : 1;
        var transposed = additive ? a : 0;
        var score = spec.Kind switch
        {
            AttentionKind.LuongDot => "Dot",
            AttentionKind.LuongGeneral => "General",
            AttentionKind.LuongConcat => "Concat",
            _ => "Additive",
        };
        var layout = $"{spec.AttributeName}({q}, {k}, {a}, {v}, {score}, {e})";

        w.Line("/// <summary>Length of each query.</summary>");
        w.Line($"public const int QuerySize = {q};");
        w.Line("/// <summary>Length of each key.</summary>");
        w.Line($"public const int KeySize = {k};");
        w.Line("/// <summary>Length of each value and of the context.</summary>");
        w.Line($"public const int ValueSize = {v};");
        w.Line("/// <summary>Length of the additive score's hidden layer (0 for the dot and general scores).</summary>");
        w.Line($"public const int AttentionSize = {a};");
        w.Line($"private const string SimdLayout = \"{layout}\";");
        w.Line();
        EmitParameters(w, spec);
        w.Line($"int global::Simd.ISingleHeadAttention<{e}>.QuerySize => QuerySize;");
        w.Line($"int global::Simd.ISingleHeadAttention<{e}>.KeySize => KeySize;");
        w.Line($"int global::Simd.ISingleHeadAttention<{e}>.ValueSize => ValueSize;");
        w.Line($"int global::Simd.ISingleHeadAttention<{e}>.AttentionSize => AttentionSize;");
        w.Line();

        // The workspace regions, computed from its capacity.
        w.Line("/// <summary>The workspace's regions (see the generator's layout notes).</summary>");
        w.Open("private readonly ref struct SimdMemory");
        foreach (var field in new[] { "Keys", "Values", "Projected", "KeyGradient", "ValueGradient", "Query", "QueryGradient", "Scores", "ScoreGradient", "Transposed" })
        {
            w.Line($"public readonly {Span}<{e}> {field};");
        }

        w.Line("public readonly int MaxKeys;");
        w.Line();
        w.Open($"public SimdMemory(global::Simd.AttentionWorkspace<{e}> workspace)");
        w.Line("var s = workspace.Storage;");
        w.Line("MaxKeys = workspace.MaxKeys;");
        w.Line("var rows = workspace.MaxBatch * MaxKeys;");
        w.Line($"Keys = s.Slice(0, rows * {k});");
        w.Line($"s = s.Slice(rows * {k});");
        w.Line($"Values = s.Slice(0, rows * {v});");
        w.Line($"s = s.Slice(rows * {v});");
        w.Line($"Projected = s.Slice(0, rows * {projected});");
        w.Line($"s = s.Slice(rows * {projected});");
        w.Line($"KeyGradient = s.Slice(0, rows * {keyGradient});");
        w.Line($"s = s.Slice(rows * {keyGradient});");
        w.Line($"ValueGradient = s.Slice(0, rows * {v});");
        w.Line($"s = s.Slice(rows * {v});");
        w.Line($"Query = s.Slice(0, {u});");
        w.Line($"QueryGradient = s.Slice({u}, {u});");
        w.Line($"s = s.Slice({2 * u});");
        w.Line("Scores = s.Slice(0, MaxKeys);");
        w.Line("ScoreGradient = s.Slice(MaxKeys, MaxKeys);");
        w.Line($"Transposed = s.Slice(2 * MaxKeys, {transposed} * MaxKeys);");
        w.Close();
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc />");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">A maximum is below 1, or the storage would exceed the largest array .NET can allocate.</exception>");
        w.Open($"public global::Simd.AttentionWorkspace<{e}> CreateWorkspace(int maxKeys, int maxBatch)");
        w.Line($"{Guard}.Count(maxKeys, int.MaxValue, nameof(maxKeys));");
        w.Line($"{Guard}.Count(maxBatch, int.MaxValue, nameof(maxBatch));");
        w.Line($"var length = ((long)maxBatch * maxKeys * {k + v + projected + keyGradient + v}) + {2 * u} + ((long)maxKeys * {2 + transposed});");
        w.Line($"return new global::Simd.AttentionWorkspace<{e}>(SimdLayout, maxKeys, maxBatch, length);");
        w.Close();
        w.Line();

        // Prepare.
        w.Line("/// <inheritdoc />");
        w.Open($"public void Prepare(int keyCount, int batch, {ReadOnlySpan}<{e}> keys, {ReadOnlySpan}<{e}> values, {ReadOnlySpan}<int> lengths, global::Simd.AttentionWorkspace<{e}> workspace)");
        w.Line($"{Guard}.NotNull(workspace, nameof(workspace));");
        w.Line("workspace.CheckLayout(SimdLayout, nameof(workspace));");
        w.Line($"{Guard}.Count(keyCount, workspace.MaxKeys, nameof(keyCount));");
        w.Line($"{Guard}.Count(batch, workspace.MaxBatch, nameof(batch));");
        w.Line($"{Guard}.Length(keys.Length, (long)batch * keyCount * KeySize, nameof(keys), \"batch × keyCount × KeySize = {{0}} × {{1}} × {{2}}\", batch, keyCount, KeySize);");
        w.Line($"{Guard}.Length(values.Length, (long)batch * keyCount * ValueSize, nameof(values), \"batch × keyCount × ValueSize = {{0}} × {{1}} × {{2}}\", batch, keyCount, ValueSize);");
        w.Line("workspace.Record(0, keyCount, batch, lengths, false);");
        w.Line("var m = new SimdMemory(workspace);");
        w.Line("var p = Parameters;");
        w.Open("for (var b = 0; b < batch; b++)");
        w.Line("var row = b * m.MaxKeys;");
        w.Line($"keys.Slice(b * keyCount * {k}, keyCount * {k}).CopyTo(m.Keys.Slice(row * {k}));");
        w.Line($"values.Slice(b * keyCount * {v}, keyCount * {v}).CopyTo(m.Values.Slice(row * {v}));");
        w.Line($"m.KeyGradient.Slice(row * {keyGradient}, keyCount * {keyGradient}).Clear();");
        w.Line($"m.ValueGradient.Slice(row * {v}, keyCount * {v}).Clear();");
        if (additive)
        {
            // W_k k_j once per sequence: every decoder step then costs O(T·A) instead of O(T·A·K).
            w.Line($"var keyWeight = {TensorSpan(spec, "p", "key_weight")};");
            w.Line("var valid = workspace.Lengths[b];");
            w.Open("for (var j = 0; j < valid; j++)");
            w.Line($"var key = m.Keys.Slice((row + j) * {k}, {k});");
            w.Line($"var target = m.Projected.Slice((row + j) * {a}, {a});");
            w.Line($"{Math}.MatrixVector<{e}>(keyWeight, key, target, false);");
            w.Close();
        }

        w.Close();
        w.Close();
        w.Line();

        // Scores (shared by Step and StepBackward).
        w.Line("/// <summary>Writes the raw scores of sample <paramref name=\"b\"/>'s valid keys, leaving the projected query in m.Query.</summary>");
        w.Open($"private void SimdScores({ReadOnlySpan}<{e}> query, SimdMemory m, int b, {Span}<{e}> scores)");
        w.Line("var p = Parameters;");
        w.Line("var row = b * m.MaxKeys;");
        switch (spec.Kind)
        {
            case AttentionKind.LuongDot:
                // The valid keys are the rows of a matrix: all scores are one matrix-vector product.
                w.Line($"{Math}.MatrixVector<{e}>(m.Keys.Slice(row * {k}, scores.Length * {k}), query, scores, false);");
                break;
            case AttentionKind.LuongGeneral:
                w.Line($"var u = m.Query.Slice(0, {k});");
                w.Line($"{Math}.Combine<{e}>(query, {TensorSpan(spec, "p", "weight")}, {k}, u, false);");
                w.Line($"{Math}.MatrixVector<{e}>(m.Keys.Slice(row * {k}, scores.Length * {k}), u, scores, false);");
                break;
            default:
                w.Line($"var u = m.Query.Slice(0, {a});");
                w.Line($"var queryWeight = {TensorSpan(spec, "p", "query_weight")};");
                if (spec.Kind == AttentionKind.Additive)
                {
                    w.Line($"{TensorSpan(spec, "p", "bias")}.CopyTo(u);");
                }

                w.Line($"{Math}.MatrixVector<{e}>(queryWeight, query, u, {(spec.Kind == AttentionKind.Additive ? "true" : "false")});");
                w.Line($"{Math}.AdditiveScores<{e}>(m.Projected.Slice(row * {a}, scores.Length * {a}), u, {TensorSpan(spec, "p", "score_weight")}, scores);");
                break;
        }

        w.Close();
        w.Line();

        // Step.
        w.Line("/// <inheritdoc />");
        w.Open($"public void Step({ReadOnlySpan}<{e}> queries, global::Simd.AttentionWorkspace<{e}> workspace, {Span}<{e}> context, {Span}<{e}> weights)");
        EmitStepChecks(w);
        w.Line($"{Guard}.Length(context.Length, (long)batch * ValueSize, nameof(context), \"batch × ValueSize = {{0}} × {{1}}\", batch, ValueSize);");
        w.Open("if (!weights.IsEmpty)");
        w.Line($"{Guard}.Length(weights.Length, (long)batch * keyCount, nameof(weights), \"empty, or batch × keyCount = {{0}} × {{1}}\", batch, keyCount);");
        w.Close();
        w.Line("var m = new SimdMemory(workspace);");
        w.Open("for (var b = 0; b < batch; b++)");
        w.Line("var valid = workspace.Lengths[b];");
        w.Line("var scores = m.Scores.Slice(0, valid);");
        w.Line($"SimdScores(queries.Slice(b * {q}, {q}), m, b, scores);");
        w.Line($"{Math}.Softmax<{e}>(scores);");
        w.Line($"{Math}.Combine<{e}>(scores, m.Values.Slice(b * m.MaxKeys * {v}), {v}, context.Slice(b * {v}, {v}), false);");
        w.Open("if (!weights.IsEmpty)");
        w.Line("scores.CopyTo(weights.Slice(b * keyCount, keyCount));");
        w.Line("weights.Slice((b * keyCount) + valid, keyCount - valid).Clear();");
        w.Close();
        w.Close();
        w.Close();
        w.Line();

        // StepBackward.
        w.Line("/// <inheritdoc />");
        w.Open($"public void StepBackward({ReadOnlySpan}<{e}> queries, global::Simd.AttentionWorkspace<{e}> workspace, {ReadOnlySpan}<{e}> contextGradient, {Span}<{e}> queryGradient, {Span}<{e}> parameterGradients)");
        EmitStepChecks(w);
        w.Line($"{Guard}.Length(contextGradient.Length, (long)batch * ValueSize, nameof(contextGradient), \"batch × ValueSize = {{0}} × {{1}}\", batch, ValueSize);");
        w.Line($"{Guard}.Length(queryGradient.Length, (long)batch * QuerySize, nameof(queryGradient), \"batch × QuerySize = {{0}} × {{1}}\", batch, QuerySize);");
        w.Line($"{Guard}.Length(parameterGradients.Length, ParameterCount, nameof(parameterGradients), \"ParameterCount\");");
        w.Line("var m = new SimdMemory(workspace);");
        w.Line("var p = Parameters;");
        w.Open("for (var b = 0; b < batch; b++)");
        w.Line("var valid = workspace.Lengths[b];");
        w.Line("var row = b * m.MaxKeys;");
        w.Line($"var query = queries.Slice(b * {q}, {q});");
        w.Line($"var dQuery = queryGradient.Slice(b * {q}, {q});");
        w.Open("if (valid == 0)");
        w.Line("dQuery.Clear();");
        w.Line("continue;");
        w.Close();
        w.Line("var weights = m.Scores.Slice(0, valid);");
        w.Line("SimdScores(query, m, b, weights);");
        w.Line($"{Math}.Softmax<{e}>(weights);");
        w.Line($"var dContext = contextGradient.Slice(b * {v}, {v});");
        w.Line("var dScores = m.ScoreGradient.Slice(0, valid);");
        w.Line($"{Math}.MatrixVector<{e}>(m.Values.Slice(row * {v}, valid * {v}), dContext, dScores, false);");
        w.Open("for (var j = 0; j < valid; j++)");
        w.Line($"{Math}.MultiplyAdd<{e}>(dContext, weights[j], m.ValueGradient.Slice((row + j) * {v}, {v}));");
        w.Close();
        w.Line($"{Math}.SoftmaxBackward<{e}>(weights, dScores, dScores);");
        switch (spec.Kind)
        {
            case AttentionKind.LuongDot:
                w.Line($"{Math}.Combine<{e}>(dScores, m.Keys.Slice(row * {k}), {k}, dQuery, false);");
                w.Open("for (var j = 0; j < valid; j++)");
                w.Line($"{Math}.MultiplyAdd<{e}>(query, dScores[j], m.KeyGradient.Slice((row + j) * {k}, {k}));");
                w.Close();
                break;
            case AttentionKind.LuongGeneral:
                w.Line($"var u = m.Query.Slice(0, {k});");
                w.Line($"var du = m.QueryGradient.Slice(0, {k});");
                w.Line($"{Math}.Combine<{e}>(dScores, m.Keys.Slice(row * {k}), {k}, du, false);");
                w.Open("for (var j = 0; j < valid; j++)");
                w.Line($"{Math}.MultiplyAdd<{e}>(u, dScores[j], m.KeyGradient.Slice((row + j) * {k}, {k}));");
                w.Close();
                w.Line($"var weight = {TensorSpan(spec, "p", "weight")};");
                w.Line($"var dWeight = {TensorSpan(spec, "parameterGradients", "weight")};");
                w.Line($"{Math}.MatrixVector<{e}>(weight, du, dQuery, false);");
                w.Open($"for (var r = 0; r < {q}; r++)");
                w.Line($"{Math}.MultiplyAdd<{e}>(du, query[r], dWeight.Slice(r * {k}, {k}));");
                w.Close();
                break;
            default:
                w.Line($"var u = m.Query.Slice(0, {a});");
                w.Line($"var du = m.QueryGradient.Slice(0, {a});");
                w.Line("du.Clear();");
                w.Line($"{Math}.AdditiveScoresBackward<{e}>(m.Projected.Slice(row * {a}, valid * {a}), u, {TensorSpan(spec, "p", "score_weight")}, dScores, m.KeyGradient.Slice(row * {a}, valid * {a}), du, {TensorSpan(spec, "parameterGradients", "score_weight")});");
                w.Line($"{Math}.Combine<{e}>(du, {TensorSpan(spec, "p", "query_weight")}, {q}, dQuery, false);");
                w.Line($"var dQueryWeight = {TensorSpan(spec, "parameterGradients", "query_weight")};");
                w.Open($"for (var r = 0; r < {a}; r++)");
                w.Line($"{Math}.MultiplyAdd<{e}>(query, du[r], dQueryWeight.Slice(r * {q}, {q}));");
                w.Close();
                if (spec.Kind == AttentionKind.Additive)
                {
                    w.Line($"{Math}.MultiplyAdd<{e}>(du, 1, {TensorSpan(spec, "parameterGradients", "bias")});");
                }

                break;
        }

        w.Close();
        w.Close();
        w.Line();

        // PrepareBackward.
        w.Line("/// <inheritdoc />");
        w.Open($"public void PrepareBackward(global::Simd.AttentionWorkspace<{e}> workspace, {Span}<{e}> keyGradient, {Span}<{e}> valueGradient, {Span}<{e}> parameterGradients)");
        w.Line($"{Guard}.NotNull(workspace, nameof(workspace));");
        w.Line("workspace.CheckLayout(SimdLayout, nameof(workspace));");
        w.Line("workspace.CheckRecorded(\"Prepare\");");
        w.Line("var batch = workspace.Batch;");
        w.Line("var keyCount = workspace.KeyCount;");
        w.Line($"{Guard}.Length(keyGradient.Length, (long)batch * keyCount * KeySize, nameof(keyGradient), \"batch × keyCount × KeySize = {{0}} × {{1}} × {{2}}\", batch, keyCount, KeySize);");
        w.Line($"{Guard}.Length(valueGradient.Length, (long)batch * keyCount * ValueSize, nameof(valueGradient), \"batch × keyCount × ValueSize = {{0}} × {{1}} × {{2}}\", batch, keyCount, ValueSize);");
        w.Line($"{Guard}.Length(parameterGradients.Length, ParameterCount, nameof(parameterGradients), \"ParameterCount\");");
        w.Line("var m = new SimdMemory(workspace);");
        w.Line("var p = Parameters;");
        w.Open("for (var b = 0; b < batch; b++)");
        w.Line("var row = b * m.MaxKeys;");
        w.Line($"m.ValueGradient.Slice(row * {v}, keyCount * {v}).CopyTo(valueGradient.Slice(b * keyCount * {v}, keyCount * {v}));");
        if (additive)
        {
            w.Line("var valid = workspace.Lengths[b];");
            w.Line($"var dProjected = m.KeyGradient.Slice(row * {a}, keyCount * {a});");
            w.Line($"var keyWeight = {TensorSpan(spec, "p", "key_weight")};");
            w.Line($"var dKeys = keyGradient.Slice(b * keyCount * {k}, keyCount * {k});");
            w.Open("for (var j = 0; j < keyCount; j++)");
            w.Line($"{Math}.Combine<{e}>(dProjected.Slice(j * {a}, {a}), keyWeight, {k}, dKeys.Slice(j * {k}, {k}), false);");
            w.Close();

            // dW_k += Σ_j dP_jᵀ k_j, one weight row at a time from the transposed projected-key gradient.
            w.Line($"{Math}.Transpose<{e}>(dProjected, valid, {a}, {a}, m.Transposed, m.MaxKeys);");
            w.Line($"var dKeyWeight = {TensorSpan(spec, "parameterGradients", "key_weight")};");
            w.Open($"for (var r = 0; r < {a}; r++)");
            w.Line($"{Math}.Combine<{e}>(m.Transposed.Slice(r * m.MaxKeys, valid), m.Keys.Slice(row * {k}), {k}, dKeyWeight.Slice(r * {k}, {k}), true);");
            w.Close();
        }
        else
        {
            w.Line($"m.KeyGradient.Slice(row * {k}, keyCount * {k}).CopyTo(keyGradient.Slice(b * keyCount * {k}, keyCount * {k}));");
        }

        w.Close();
        w.Close();
    }

    private static void EmitStepChecks(SourceWriter w)
    {
        w.Line($"{Guard}.NotNull(workspace, nameof(workspace));");
        w.Line("workspace.CheckLayout(SimdLayout, nameof(workspace));");
        w.Line("workspace.CheckRecorded(\"Prepare\");");
        w.Line("var batch = workspace.Batch;");
        w.Line("var keyCount = workspace.KeyCount;");
        w.Line($"{Guard}.Length(queries.Length, (long)batch * QuerySize, nameof(queries), \"batch × QuerySize = {{0}} × {{1}}\", batch, QuerySize);");
    }
}
