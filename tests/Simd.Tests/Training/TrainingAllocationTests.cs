using System;
using Simd.Tests.Support;
using Simd.Training;
using Xunit;

namespace Simd.Tests;

/// <summary>After warm-up, layers, losses, clipping and every optimizer step allocate nothing.</summary>
public sealed class TrainingAllocationTests
{
    [Fact]
    public void Dense_and_embedding_forward_and_backward_allocate_nothing()
    {
        var head = new DenseSigmoid32x16();
        var table = new Embed6x13D();
        var plain = new DenseNone19x33D();
        var x = new float[4 * 32];
        var y = new float[4 * 16];
        var dx = new float[4 * 32];
        var dTheta = new float[DenseSigmoid32x16.ParameterCount];
        var tokens = new[] { 1, 5, 1 };
        var vectors = new double[3 * 13];
        var tableGradients = new double[Embed6x13D.ParameterCount];
        var xd = new double[2 * 19];
        var yd = new double[2 * 33];
        var plainGradients = new double[DenseNone19x33D.ParameterCount];
        Allocations.AssertNoneAfterWarmUp(() =>
        {
            head.Forward(4, x, y);
            head.Backward(4, x, y, y, dx, dTheta);
            head.Backward(4, x, y, y, default, dTheta);
            table.Forward(tokens, vectors);
            table.Backward(tokens, vectors, tableGradients);
            plain.Forward(2, xd, yd);
            plain.Backward(2, xd, yd, yd, default, plainGradients);
        });
    }

    [Fact]
    public void Losses_norm_and_clipping_allocate_nothing()
    {
        var logits = new float[5 * 11];
        var gradients = new float[5 * 11];
        var targets = new[] { 1, -100, 10, 0, 3 };
        var module = new ParameterBlock<double>(45);
        var set = new ParameterSet<double>().Add("p", module);
        set.Gradients(module).Fill(1);
        Allocations.AssertNoneAfterWarmUp(() =>
        {
            Loss.SoftmaxCrossEntropy<float>(logits, 11, targets, gradients);
            Loss.MeanSquaredError<float>(logits, gradients, gradients);
            set.GradientNorm();
            set.ClipGradientsByGlobalNorm(0.5);
            set.ZeroGradients();
        });
    }

    [Fact]
    public void Every_optimizer_step_allocates_nothing()
    {
        var dense = new DenseRelu9x23();
        var table = new Embed20x32();
        var set = new ParameterSet<float>().Add("dense", dense).Add("table", table);
        set.Gradients(dense).Fill(0.1f);
        set.Gradients(table).Fill(-0.1f);
        Optimizer<float>[] optimizers =
        {
            new Sgd<float>(set, 0.01f),
            new Sgd<float>(set, 0.01f, 0.9f),
            new Sgd<float>(set, 0.01f, 0.9f, nesterov: true, weightDecay: 0.01f),
            new Adam<float>(set, 0.01f),
            new AdamW<float>(set, 0.01f),
        };
        foreach (var optimizer in optimizers)
        {
            Allocations.AssertNoneAfterWarmUp(optimizer.Step);
        }
    }
}
