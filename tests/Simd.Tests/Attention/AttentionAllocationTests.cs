using System;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>After warm-up, no attention hot path allocates: workspaces and caches hold everything.</summary>
public sealed class AttentionAllocationTests
{
    [Fact]
    public void Single_head_prepare_step_and_backward_allocate_nothing_after_warm_up()
    {
        AssertNoAllocation<float>(new AttnAdd13x6x17v11(), keys: 23, batch: 3);
        AssertNoAllocation<float>(new AttnAdd64x64x64(), keys: 9, batch: 2);
        AssertNoAllocation<float>(new AttnDot7v5(), keys: 31, batch: 4);
        AssertNoAllocation<float>(new AttnGeneral5x11(), keys: 17, batch: 2);
        AssertNoAllocation<float>(new AttnConcat6x9a10(), keys: 5, batch: 3);
        AssertNoAllocation<double>(new AttnAdd5x7x9D(), keys: 13, batch: 2);
        AssertNoAllocation<double>(new AttnGeneral5x11v3D(), keys: 7, batch: 3);
    }

    [Fact]
    public void Multi_head_forward_backward_and_decode_allocate_nothing_after_warm_up()
    {
        AssertNoAllocation<float>(new AttnMha14h7(), tokens: 11, batch: 3);
        AssertNoAllocation<float>(new AttnMha64h4(), tokens: 5, batch: 2);
        AssertNoAllocation<double>(new AttnMha10h5D(), tokens: 9, batch: 2);
    }

    private static void AssertNoAllocation<T>(ISingleHeadAttention<T> cell, int keys, int batch)
        where T : unmanaged
    {
        int Q = cell.QuerySize, K = cell.KeySize, V = cell.ValueSize;
        cell.InitializeParameters(5);
        var workspace = cell.CreateWorkspace(keys, batch);
        var memoryKeys = new T[batch * keys * K];
        var values = new T[batch * keys * V];
        var lengths = new int[batch];
        Array.Fill(lengths, keys - 1);
        var queries = new T[batch * Q];
        var context = new T[batch * V];
        var weights = new T[batch * keys];
        var queryGradient = new T[batch * Q];
        var keyGradient = new T[memoryKeys.Length];
        var valueGradient = new T[values.Length];
        var parameterGradients = new T[cell.ParameterCount];
        Allocations.AssertNoneAfterWarmUp(() =>
        {
            cell.Prepare(keys, batch, memoryKeys, values, lengths, workspace);
            cell.Prepare(keys, batch, memoryKeys, values, ReadOnlySpan<int>.Empty, workspace);
            cell.Step(queries, workspace, context, weights);
            cell.Step(queries, workspace, context, Span<T>.Empty);
            cell.StepBackward(queries, workspace, context, queryGradient, parameterGradients);
            cell.PrepareBackward(workspace, keyGradient, valueGradient, parameterGradients);
        });
    }

    private static void AssertNoAllocation<T>(IMultiHeadAttention<T> cell, int tokens, int batch)
        where T : unmanaged
    {
        int E = cell.ModelSize, H = cell.Heads;
        cell.InitializeParameters(6);
        var workspace = cell.CreateWorkspace(tokens, batch);
        var cache = cell.CreateCache(tokens, batch);
        var x = new T[batch * tokens * E];
        var lengths = new int[batch];
        Array.Fill(lengths, tokens - 1);
        var output = new T[x.Length];
        var weights = new T[batch * H * tokens * tokens];
        var dq = new T[x.Length];
        var dk = new T[x.Length];
        var dv = new T[x.Length];
        var parameterGradients = new T[cell.ParameterCount];
        var stepInput = new T[batch * E];
        var stepOutput = new T[batch * E];
        var stepWeights = new T[batch * H * tokens];
        Allocations.AssertNoneAfterWarmUp(() =>
        {
            cell.Forward(tokens, tokens, batch, x, x, x, lengths, causal: false, output, weights, workspace);
            cell.Forward(tokens, tokens, batch, x, x, x, ReadOnlySpan<int>.Empty, causal: true, output, Span<T>.Empty, workspace);
            cell.Backward(workspace, output, dq, dk, dv, parameterGradients);
            cache.Clear();
            for (var t = 0; t < tokens; t++)
            {
                cell.DecodeStep(batch, stepInput, cache, stepOutput, stepWeights.AsSpan(0, batch * H * (t + 1)));
            }
        });
    }
}
