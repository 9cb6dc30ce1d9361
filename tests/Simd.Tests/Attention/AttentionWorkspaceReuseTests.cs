using System;
using System.Numerics;
using Xunit;
using static Simd.Tests.Support.AttentionData;

namespace Simd.Tests;

/// <summary>
/// A workspace is sized once and reused: after a larger problem (and its backward), a smaller one must give exactly
/// what a fresh workspace gives, forward and backward; Prepare clears the memory gradients of the previous memory.
/// </summary>
public sealed class AttentionWorkspaceReuseTests
{
    [Fact]
    public void Single_head_workspaces_reused_for_smaller_problems_give_the_fresh_results()
    {
        Reuse<float>(new AttnAdd13x6x17v11());
        Reuse<float>(new AttnConcat6x9a10());
        Reuse<double>(new AttnGeneral5x11v3D());
        Reuse<double>(new AttnDot7v5D());
    }

    [Fact]
    public void Multi_head_workspaces_reused_for_smaller_problems_give_the_fresh_results()
    {
        Reuse<float>(new AttnMha18h6());
        Reuse<double>(new AttnMha9h3D());
    }

    private static void Reuse<T>(ISingleHeadAttention<T> cell)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(cell.ParameterCount + 1);
        Randomize(cell, random, 1);
        int Q = cell.QuerySize, K = cell.KeySize, V = cell.ValueSize;
        var shared = cell.CreateWorkspace(12, 4);
        (T[] Context, T[] Weights, T[] QueryGradient, T[] KeyGradient, T[] ValueGradient, T[] ParameterGradients) Run(int keys, int batch, int[] lengths, int seed, AttentionWorkspace<T> workspace)
        {
            var r = new Random(seed);
            var memoryKeys = Uniform<T>(r, batch * keys * K, 1);
            var values = Uniform<T>(r, batch * keys * V, 1);
            var queries = Uniform<T>(r, batch * Q, 1);
            cell.Prepare(keys, batch, memoryKeys, values, lengths, workspace);
            var context = new T[batch * V];
            var weights = new T[batch * keys];
            cell.Step(queries, workspace, context, weights);
            var queryGradient = new T[batch * Q];
            var keyGradient = new T[memoryKeys.Length];
            var valueGradient = new T[values.Length];
            var parameterGradients = new T[cell.ParameterCount];
            cell.StepBackward(queries, workspace, Uniform<T>(r, batch * V, 1), queryGradient, parameterGradients);
            cell.PrepareBackward(workspace, keyGradient, valueGradient, parameterGradients);
            return (context, weights, queryGradient, keyGradient, valueGradient, parameterGradients);
        }

        Run(12, 4, new[] { 12, 3, 0, 7 }, 1, shared);
        var reused = Run(5, 2, new[] { 2, 5 }, 2, shared);
        var fresh = Run(5, 2, new[] { 2, 5 }, 2, cell.CreateWorkspace(5, 2));
        Assert.Equal(fresh.Context, reused.Context);
        Assert.Equal(fresh.Weights, reused.Weights);
        Assert.Equal(fresh.QueryGradient, reused.QueryGradient);
        Assert.Equal(fresh.KeyGradient, reused.KeyGradient);
        Assert.Equal(fresh.ValueGradient, reused.ValueGradient);
        Assert.Equal(fresh.ParameterGradients, reused.ParameterGradients);
    }

    private static void Reuse<T>(IMultiHeadAttention<T> cell)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(cell.ParameterCount + 2);
        Randomize(cell, random, 1);
        var E = cell.ModelSize;
        var shared = cell.CreateWorkspace(10, 3);
        (T[] Output, T[] Weights, T[] Dq, T[] Dk, T[] Dv, T[] Dp) Run(int queries, int keys, int batch, int[] lengths, bool causal, int seed, AttentionWorkspace<T> workspace)
        {
            var r = new Random(seed);
            var query = Uniform<T>(r, batch * queries * E, 1);
            var key = Uniform<T>(r, batch * keys * E, 1);
            var value = Uniform<T>(r, batch * keys * E, 1);
            var output = new T[query.Length];
            var weights = new T[batch * cell.Heads * queries * keys];
            cell.Forward(queries, keys, batch, query, key, value, lengths, causal, output, weights, workspace);
            T[] dq = new T[query.Length], dk = new T[key.Length], dv = new T[value.Length], dp = new T[cell.ParameterCount];
            cell.Backward(workspace, Uniform<T>(r, output.Length, 1), dq, dk, dv, dp);
            return (output, weights, dq, dk, dv, dp);
        }

        Run(10, 10, 3, new[] { 10, 0, 4 }, true, 1, shared);
        var reused = Run(3, 6, 2, new[] { 6, 2 }, false, 2, shared);
        var fresh = Run(3, 6, 2, new[] { 6, 2 }, false, 2, cell.CreateWorkspace(6, 2));
        Assert.Equal(fresh.Output, reused.Output);
        Assert.Equal(fresh.Weights, reused.Weights);
        Assert.Equal(fresh.Dq, reused.Dq);
        Assert.Equal(fresh.Dk, reused.Dk);
        Assert.Equal(fresh.Dv, reused.Dv);
        Assert.Equal(fresh.Dp, reused.Dp);
    }
}
