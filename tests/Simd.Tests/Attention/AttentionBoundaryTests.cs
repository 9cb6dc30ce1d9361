using System;
using System.Linq;
using Xunit;

namespace Simd.Tests;

/// <summary>
/// Bad input at the attention cells' public boundary: the right exception type, the parameter's name and the expected
/// length in the message, and no harm done (outputs, gradients, workspace and cache as before the call).
/// </summary>
public sealed class AttentionBoundaryTests
{
    // AttnAdd5x7x9: Q = 5, K = V = 7, A = 9; calls use T = 3 keys and B = 2 samples in a workspace for 4 × 2.
    private const int Q = 5;
    private const int K = 7;
    private const int V = 7;
    private const int T = 3;
    private const int B = 2;

    private static void AssertLength(Action call, string argument, long expected)
    {
        var error = Assert.Throws<ArgumentException>(call);
        Assert.Equal(argument, error.ParamName);
        Assert.Contains($"expected {expected}", error.Message, StringComparison.Ordinal);
    }

    private static void AssertRange(Action call, string argument) =>
        Assert.Equal(argument, Assert.Throws<ArgumentOutOfRangeException>(call).ParamName);

    private static float[] Z(int n) => new float[n];

    private static float[] Ramp(int n, float start) => Enumerable.Range(0, n).Select(i => start + (0.01f * i)).ToArray();

    [Fact]
    public void Prepare_rejects_wrong_lengths_counts_and_foreign_workspaces_and_keeps_the_prepared_memory()
    {
        ISingleHeadAttention<float> cell = new AttnAdd5x7x9();
        cell.InitializeParameters(1);
        var workspace = cell.CreateWorkspace(4, 2);
        var keys = Ramp(B * T * K, -0.5f);
        var values = Ramp(B * T * V, 0.3f);
        var queries = Ramp(B * Q, 0.1f);
        var lengths = new[] { 2, 3 };
        cell.Prepare(T, B, keys, values, lengths, workspace);
        var context = new float[B * V];
        var weights = new float[B * T];
        cell.Step(queries, workspace, context, weights);

        AssertLength(() => cell.Prepare(T, B, Z((B * T * K) - 1), values, lengths, workspace), "keys", B * T * K);
        AssertLength(() => cell.Prepare(T, B, keys, Z((B * T * V) + 1), lengths, workspace), "values", B * T * V);
        AssertLength(() => cell.Prepare(T, B, keys, values, new[] { 1 }, workspace), "lengths", B);
        AssertRange(() => cell.Prepare(T, B, keys, values, new[] { 1, T + 1 }, workspace), "lengths");
        AssertRange(() => cell.Prepare(T, B, keys, values, new[] { -1, 1 }, workspace), "lengths");
        AssertRange(() => cell.Prepare(0, B, Z(0), Z(0), ReadOnlySpan<int>.Empty, workspace), "keyCount");
        AssertRange(() => cell.Prepare(5, B, Z(B * 5 * K), Z(B * 5 * V), ReadOnlySpan<int>.Empty, workspace), "keyCount");
        AssertRange(() => cell.Prepare(T, 0, Z(0), Z(0), ReadOnlySpan<int>.Empty, workspace), "batch");
        AssertRange(() => cell.Prepare(T, 3, Z(3 * T * K), Z(3 * T * V), ReadOnlySpan<int>.Empty, workspace), "batch");
        var foreign = new AttnAdd1x1x1().CreateWorkspace(4, 2);
        var error = Assert.Throws<ArgumentException>(() => cell.Prepare(T, B, keys, values, lengths, foreign));
        Assert.Equal("workspace", error.ParamName);
        Assert.Throws<ArgumentException>(() => new AttnDot7v5().Prepare(T, B, Z(B * T * 7), Z(B * T * 5), lengths, workspace));

        // Every refused Prepare left the first one in place: the step gives the same answer.
        var again = new float[B * V];
        var againWeights = new float[B * T];
        cell.Step(queries, workspace, again, againWeights);
        Assert.Equal(context, again);
        Assert.Equal(weights, againWeights);
        Assert.Equal(T, workspace.KeyCount);
        Assert.Equal(B, workspace.Batch);
    }

    [Fact]
    public void Step_rejects_wrong_lengths_and_an_unprepared_or_foreign_workspace_and_writes_nothing()
    {
        ISingleHeadAttention<float> cell = new AttnAdd5x7x9();
        cell.InitializeParameters(2);
        var workspace = cell.CreateWorkspace(4, 2);
        var context = Ramp(B * V, 9);
        var weights = Ramp(B * T, 7);
        var contextBefore = (float[])context.Clone();
        var weightsBefore = (float[])weights.Clone();

        Assert.Throws<InvalidOperationException>(() => cell.Step(Z(B * Q), workspace, context, weights));
        cell.Prepare(T, B, Ramp(B * T * K, 0), Ramp(B * T * V, 0), ReadOnlySpan<int>.Empty, workspace);
        AssertLength(() => cell.Step(Z((B * Q) + 1), workspace, context, weights), "queries", B * Q);
        AssertLength(() => cell.Step(Z(B * Q), workspace, Z(V), weights), "context", B * V);
        AssertLength(() => cell.Step(Z(B * Q), workspace, context, Z(B * 4)), "weights", B * T);
        var foreign = new AttnAdd1x1x1().CreateWorkspace(4, 2);
        Assert.Equal("workspace", Assert.Throws<ArgumentException>(() => cell.Step(Z(B * Q), foreign, context, weights)).ParamName);
        Assert.Equal(contextBefore, context);
        Assert.Equal(weightsBefore, weights);
    }

    [Fact]
    public void Backward_calls_reject_wrong_lengths_and_an_unprepared_workspace_and_accumulate_nothing()
    {
        ISingleHeadAttention<float> cell = new AttnAdd5x7x9();
        cell.InitializeParameters(3);
        var fresh = cell.CreateWorkspace(4, 2);
        var parameterGradients = Ramp(cell.ParameterCount, 1);
        var queryGradient = Ramp(B * Q, 2);
        var before = (float[])parameterGradients.Clone();
        var queryGradientBefore = (float[])queryGradient.Clone();
        Assert.Throws<InvalidOperationException>(() => cell.StepBackward(Z(B * Q), fresh, Z(B * V), queryGradient, parameterGradients));
        Assert.Throws<InvalidOperationException>(() => cell.PrepareBackward(fresh, Z(B * T * K), Z(B * T * V), parameterGradients));

        // Reference run: one valid step backward and the memory gradients it produces.
        var keys = Ramp(B * T * K, -0.2f);
        var values = Ramp(B * T * V, 0.4f);
        var queries = Ramp(B * Q, 0.3f);
        var contextGradient = Ramp(B * V, -0.1f);
        var workspace = cell.CreateWorkspace(4, 2);
        cell.Prepare(T, B, keys, values, ReadOnlySpan<int>.Empty, workspace);
        var expectedKeyGradient = new float[B * T * K];
        var expectedValueGradient = new float[B * T * V];
        cell.StepBackward(queries, workspace, contextGradient, new float[B * Q], new float[cell.ParameterCount]);
        cell.PrepareBackward(workspace, expectedKeyGradient, expectedValueGradient, new float[cell.ParameterCount]);

        // Same run with refused calls in between.
        cell.Prepare(T, B, keys, values, ReadOnlySpan<int>.Empty, workspace);
        AssertLength(() => cell.StepBackward(Z(Q), workspace, contextGradient, queryGradient, parameterGradients), "queries", B * Q);
        AssertLength(() => cell.StepBackward(queries, workspace, Z(V), queryGradient, parameterGradients), "contextGradient", B * V);
        AssertLength(() => cell.StepBackward(queries, workspace, contextGradient, Z(Q), parameterGradients), "queryGradient", B * Q);
        AssertLength(() => cell.StepBackward(queries, workspace, contextGradient, queryGradient, Z(cell.ParameterCount - 1)), "parameterGradients", cell.ParameterCount);
        Assert.Equal(before, parameterGradients);
        Assert.Equal(queryGradientBefore, queryGradient);
        cell.StepBackward(queries, workspace, contextGradient, new float[B * Q], new float[cell.ParameterCount]);
        var keyGradient = Ramp(B * T * K, 5);
        var valueGradient = Ramp(B * T * V, 6);
        var keyGradientBefore = (float[])keyGradient.Clone();
        AssertLength(() => cell.PrepareBackward(workspace, Z(B * 4 * K), valueGradient, parameterGradients), "keyGradient", B * T * K);
        AssertLength(() => cell.PrepareBackward(workspace, keyGradient, Z(B * T * K * 2), parameterGradients), "valueGradient", B * T * V);
        AssertLength(() => cell.PrepareBackward(workspace, keyGradient, valueGradient, Z(1)), "parameterGradients", cell.ParameterCount);
        Assert.Equal(keyGradientBefore, keyGradient);
        Assert.Equal(before, parameterGradients);
        Assert.Equal("workspace", Assert.Throws<ArgumentException>(() => cell.PrepareBackward(new AttnAdd1x1x1().CreateWorkspace(4, 2), keyGradient, valueGradient, parameterGradients)).ParamName);
        cell.PrepareBackward(workspace, keyGradient, valueGradient, new float[cell.ParameterCount]);
        Assert.Equal(expectedKeyGradient, keyGradient);
        Assert.Equal(expectedValueGradient, valueGradient);
    }

    [Fact]
    public void Workspaces_and_caches_reject_sizes_below_one()
    {
        ISingleHeadAttention<float> cell = new AttnAdd5x7x9();
        Assert.Throws<ArgumentOutOfRangeException>(() => cell.CreateWorkspace(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => cell.CreateWorkspace(1, 0));
        var mha = new AttnMha6h2();
        Assert.Throws<ArgumentOutOfRangeException>(() => mha.CreateWorkspace(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => mha.CreateCache(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => mha.CreateCache(0, 1));
    }

    [Fact]
    public void Multi_head_forward_rejects_wrong_lengths_counts_causal_shapes_and_foreign_workspaces_and_writes_nothing()
    {
        // AttnMha6h2: E = 6, H = 2; Tq = 3, Tk = 4, B = 2 in a workspace for 4 tokens × 2.
        const int E = 6, H = 2, Tq = 3, Tk = 4;
        IMultiHeadAttention<float> cell = new AttnMha6h2();
        cell.InitializeParameters(4);
        var workspace = cell.CreateWorkspace(4, 2);
        var query = Ramp(B * Tq * E, -0.3f);
        var key = Ramp(B * Tk * E, 0.2f);
        var value = Ramp(B * Tk * E, 0.1f);
        var output = new float[B * Tq * E];
        var weights = new float[B * H * Tq * Tk];
        cell.Forward(Tq, Tk, B, query, key, value, new[] { 4, 2 }, false, output, weights, workspace);
        var outputBefore = (float[])output.Clone();
        var weightsBefore = (float[])weights.Clone();
        void Call(int tq, int tk, int b, float[] q, float[] k, float[] v, int[] lengths, bool causal, float[] o, float[] w, AttentionWorkspace<float> ws) =>
            cell.Forward(tq, tk, b, q, k, v, lengths, causal, o, w, ws);

        AssertLength(() => Call(Tq, Tk, B, Z(B * Tq * E - 1), key, value, [], false, output, weights, workspace), "query", B * Tq * E);
        AssertLength(() => Call(Tq, Tk, B, query, Z(B * Tq * E), value, [], false, output, weights, workspace), "key", B * Tk * E);
        AssertLength(() => Call(Tq, Tk, B, query, key, Z(1), [], false, output, weights, workspace), "value", B * Tk * E);
        AssertLength(() => Call(Tq, Tk, B, query, key, value, [], false, Z(B * Tk * E), weights, workspace), "output", B * Tq * E);
        AssertLength(() => Call(Tq, Tk, B, query, key, value, [], false, output, Z(B * Tq * Tk), workspace), "weights", B * H * Tq * Tk);
        AssertRange(() => Call(Tq, Tk, B, query, key, value, [0, Tk + 1], false, output, weights, workspace), "keyLengths");
        AssertLength(() => Call(Tq, Tk, B, query, key, value, [1, 1, 1], false, output, weights, workspace), "keyLengths", B);
        AssertRange(() => Call(0, Tk, B, Z(0), key, value, [], false, Z(0), Z(0), workspace), "queryCount");
        AssertRange(() => Call(5, Tk, B, Z(B * 5 * E), key, value, [], false, Z(B * 5 * E), Z(B * H * 5 * Tk), workspace), "queryCount");
        AssertRange(() => Call(Tq, 0, B, query, Z(0), Z(0), [], false, output, Z(0), workspace), "keyCount");
        AssertRange(() => Call(Tq, 5, B, query, Z(B * 5 * E), Z(B * 5 * E), [], false, output, Z(B * H * Tq * 5), workspace), "keyCount");
        AssertRange(() => Call(Tq, Tk, 3, Z(3 * Tq * E), Z(3 * Tk * E), Z(3 * Tk * E), [], false, Z(3 * Tq * E), Z(3 * H * Tq * Tk), workspace), "batch");
        AssertRange(() => Call(Tq, Tk, 0, Z(0), Z(0), Z(0), [], false, Z(0), Z(0), workspace), "batch");
        Assert.Equal("causal", Assert.Throws<ArgumentException>(() => Call(Tq, Tk, B, query, key, value, [], true, output, weights, workspace)).ParamName);
        var foreign = new AttnMha5h1().CreateWorkspace(4, 2);
        Assert.Equal("workspace", Assert.Throws<ArgumentException>(() => Call(Tq, Tk, B, query, key, value, [], false, output, weights, foreign)).ParamName);
        Assert.Equal(outputBefore, output);
        Assert.Equal(weightsBefore, weights);

        // The recorded forward pass survived: Backward still sees Tq = 3, Tk = 4, B = 2.
        Assert.Equal(Tq, workspace.QueryCount);
        Assert.Equal(Tk, workspace.KeyCount);
        Assert.Equal(B, workspace.Batch);
        Assert.False(workspace.Causal);
    }

    [Fact]
    public void Multi_head_backward_rejects_an_unrecorded_workspace_and_wrong_lengths_and_writes_nothing()
    {
        const int E = 6, Tq = 3, Tk = 4;
        IMultiHeadAttention<float> cell = new AttnMha6h2();
        cell.InitializeParameters(5);
        var workspace = cell.CreateWorkspace(4, 2);
        var parameterGradients = Ramp(cell.ParameterCount, 1);
        var before = (float[])parameterGradients.Clone();
        var dq = Ramp(B * Tq * E, 2);
        var dqBefore = (float[])dq.Clone();
        Assert.Throws<InvalidOperationException>(() => cell.Backward(workspace, Z(B * Tq * E), dq, Z(B * Tk * E), Z(B * Tk * E), parameterGradients));
        cell.Forward(Tq, Tk, B, Ramp(B * Tq * E, 0), Ramp(B * Tk * E, 0), Ramp(B * Tk * E, 0), ReadOnlySpan<int>.Empty, false, new float[B * Tq * E], Span<float>.Empty, workspace);
        AssertLength(() => cell.Backward(workspace, Z(B * Tk * E), dq, Z(B * Tk * E), Z(B * Tk * E), parameterGradients), "outputGradient", B * Tq * E);
        AssertLength(() => cell.Backward(workspace, Z(B * Tq * E), Z(B * Tk * E), Z(B * Tk * E), Z(B * Tk * E), parameterGradients), "queryGradient", B * Tq * E);
        AssertLength(() => cell.Backward(workspace, Z(B * Tq * E), dq, Z(B * Tq * E), Z(B * Tk * E), parameterGradients), "keyGradient", B * Tk * E);
        AssertLength(() => cell.Backward(workspace, Z(B * Tq * E), dq, Z(B * Tk * E), Z(E), parameterGradients), "valueGradient", B * Tk * E);
        AssertLength(() => cell.Backward(workspace, Z(B * Tq * E), dq, Z(B * Tk * E), Z(B * Tk * E), Z(3)), "parameterGradients", cell.ParameterCount);
        Assert.Equal("workspace", Assert.Throws<ArgumentException>(() => cell.Backward(new AttnMha5h1().CreateWorkspace(4, 2), Z(B * Tq * E), dq, Z(B * Tk * E), Z(B * Tk * E), parameterGradients)).ParamName);
        Assert.Equal(before, parameterGradients);
        Assert.Equal(dqBefore, dq);
    }

    [Fact]
    public void Decode_step_rejects_bad_arguments_a_foreign_or_full_cache_and_keeps_the_cache()
    {
        const int E = 6, H = 2;
        IMultiHeadAttention<float> cell = new AttnMha6h2();
        cell.InitializeParameters(6);
        var cache = cell.CreateCache(3, 2);
        var inputs = Enumerable.Range(0, 3).Select(t => Ramp(B * E, 0.1f * t)).ToArray();
        var output = new float[B * E];
        cell.DecodeStep(B, inputs[0], cache, output, new float[B * H]);
        var sentinel = Ramp(B * E, 4);
        var sentinelBefore = (float[])sentinel.Clone();

        AssertLength(() => cell.DecodeStep(B, Z(E), cache, sentinel, Span<float>.Empty), "input", B * E);
        AssertLength(() => cell.DecodeStep(B, inputs[1], cache, Z(E + 1), Span<float>.Empty), "output", B * E);
        AssertLength(() => cell.DecodeStep(B, inputs[1], cache, sentinel, Z(B * H)), "weights", B * H * 2);
        AssertRange(() => cell.DecodeStep(0, Z(0), cache, Z(0), Span<float>.Empty), "batch");
        AssertRange(() => cell.DecodeStep(3, Z(3 * E), cache, Z(3 * E), Span<float>.Empty), "batch");
        Assert.Equal("batch", Assert.Throws<ArgumentException>(() => cell.DecodeStep(1, Z(E), cache, Z(E), Span<float>.Empty)).ParamName);
        Assert.Equal("cache", Assert.Throws<ArgumentException>(() => cell.DecodeStep(B, inputs[1], new AttnMha5h1().CreateCache(3, 2), sentinel, Span<float>.Empty)).ParamName);
        Assert.Equal(sentinelBefore, sentinel);
        Assert.Equal(1, cache.Count);

        // The refused steps left the cache as it was: the next steps equal those of a clean decode.
        var clean = cell.CreateCache(3, 2);
        var expected = new float[B * E];
        var actual = new float[B * E];
        for (var t = 0; t < 3; t++)
        {
            cell.DecodeStep(B, inputs[t], clean, expected, Span<float>.Empty);
            if (t > 0)
            {
                cell.DecodeStep(B, inputs[t], cache, actual, Span<float>.Empty);
                Assert.Equal(expected, actual);
            }
        }

        Assert.Throws<InvalidOperationException>(() => cell.DecodeStep(B, inputs[0], cache, sentinel, Span<float>.Empty));
        Assert.Equal(3, cache.Count);
        Assert.Equal(sentinelBefore, sentinel);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => cache.Truncate(4)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => cache.Truncate(-1)).ParamName);
        cache.Clear();
        cell.DecodeStep(1, Z(E), cache, Z(E), Span<float>.Empty);
        Assert.Equal(1, cache.Batch);
    }
}
