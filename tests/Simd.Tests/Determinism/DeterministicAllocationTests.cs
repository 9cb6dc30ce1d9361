using System;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests.Determinism;

[LstmCell(13, 37, Deterministic = true)]
public sealed partial class DeterministicLstm13x37;

[GruCell(11, 29, Deterministic = true)]
public sealed partial class DeterministicGru11x29;

[MultiHeadAttention(36, 4, Deterministic = true)]
public sealed partial class DeterministicMultiHead36x4;

[AdditiveAttention(17, 19, 23, Deterministic = true)]
public sealed partial class DeterministicAdditive17x19x23;

[Dense(19, 27, Activation = DenseActivation.Sigmoid, Deterministic = true)]
public sealed partial class DeterministicDense19x27;

/// <summary>Deterministic mode keeps the zero-allocation promise of every hot path.</summary>
public sealed class DeterministicAllocationTests
{
    [Fact]
    public void Recurrent_steps_and_training_passes_allocate_nothing()
    {
        var lstm = new DeterministicLstm13x37();
        var gru = new DeterministicGru11x29();
        lstm.InitializeParameters(1);
        gru.InitializeParameters(2);
        const int Steps = 3, Batch = 5;
        var tape = DeterministicLstm13x37.CreateTape(Steps, Batch);
        float[] x = new float[Steps * Batch * 13], h = new float[Batch * 37], c = new float[Batch * 37], outputs = new float[Steps * Batch * 37];
        float[] dx = new float[x.Length], dh0 = new float[h.Length], dc0 = new float[c.Length], dTheta = new float[DeterministicLstm13x37.ParameterCount];
        float[] gx = new float[Batch * 11], gh = new float[Batch * 29];
        Allocations.AssertNoneAfterWarmUp(() =>
        {
            lstm.Step(x.AsSpan(0, 13), h.AsSpan(0, 37), c.AsSpan(0, 37));
            lstm.StepBatch(x.AsSpan(0, Batch * 13), h, c);
            lstm.Forward(Steps, Batch, x, h, c, outputs, tape);
            lstm.Backward(tape, outputs, h, c, dx, dh0, dc0, dTheta);
            gru.StepBatch(gx, gh);
        });
    }

    [Fact]
    public void Attention_and_dense_passes_allocate_nothing()
    {
        var multiHead = new DeterministicMultiHead36x4();
        var additive = new DeterministicAdditive17x19x23();
        var dense = new DeterministicDense19x27();
        multiHead.InitializeParameters(3);
        additive.InitializeParameters(4);
        dense.InitializeParameters(5);
        const int Tokens = 9, Batch = 2;
        var cache = multiHead.CreateCache(Tokens, Batch);
        var workspace = multiHead.CreateWorkspace(Tokens, Batch);
        float[] tokens = new float[Batch * Tokens * 36], output = new float[tokens.Length], dq = new float[tokens.Length], dk = new float[tokens.Length], dv = new float[tokens.Length];
        float[] step = new float[Batch * 36], stepOut = new float[Batch * 36], dTheta = new float[DeterministicMultiHead36x4.ParameterCount];
        var additiveWorkspace = additive.CreateWorkspace(Tokens, Batch);
        float[] keys = new float[Batch * Tokens * 19], values = new float[Batch * Tokens * 19], queries = new float[Batch * 17], context = new float[Batch * 19];
        float[] dQueries = new float[queries.Length], dKeys = new float[keys.Length], dValues = new float[values.Length], dAdditive = new float[DeterministicAdditive17x19x23.ParameterCount];
        int[] lengths = [Tokens, 4];
        float[] denseInput = new float[Batch * 19], dx = new float[Batch * 19], dy = new float[Batch * 27], y = new float[Batch * 27], dDense = new float[DeterministicDense19x27.ParameterCount];
        Allocations.AssertNoneAfterWarmUp(() =>
        {
            cache.Clear();
            multiHead.DecodeStep(Batch, step, cache, stepOut, Span<float>.Empty);
            multiHead.Forward(Tokens, Tokens, Batch, tokens, tokens, tokens, lengths, causal: true, output, Span<float>.Empty, workspace);
            multiHead.Backward(workspace, output, dq, dk, dv, dTheta);
            additive.Prepare(Tokens, Batch, keys, values, lengths, additiveWorkspace);
            additive.Step(queries, additiveWorkspace, context, Span<float>.Empty);
            additive.StepBackward(queries, additiveWorkspace, context, dQueries, dAdditive);
            additive.PrepareBackward(additiveWorkspace, dKeys, dValues, dAdditive);
            dense.Forward(Batch, denseInput, y);
            dense.Backward(Batch, denseInput, y, dy, dx, dDense);
        });
    }
}
