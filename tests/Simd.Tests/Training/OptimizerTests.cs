using System;
using System.Numerics;
using Simd.Tests.Support;
using Simd.Training;
using Xunit;
using static Simd.Tests.DenseTests;

namespace Simd.Tests;

/// <summary>
/// Each optimizer against its documented update rule (PyTorch's <c>torch.optim</c> pseudo-code), evaluated here in
/// double from the same gradients for several steps; module sizes 37 and 5 run every vector width and the scalar tail.
/// </summary>
public sealed class OptimizerTests
{
    // Double: each step does ≤ 12 roundings per element, and three steps compound them: 1e-13 relative (≈ 450u) is far
    // above that and far below any formula error (which would be of the order of the learning rate, 1e-2).
    private const double DoubleTolerance = 1e-13;

    // Float: the same ≤ 40 roundings at u = 6e-8 give ≈ 2.4e-6; Adam's division by √v̂ + ε (with ε small) preserves the
    // relative error, so 1e-5 relative to max(1, |θ|) bounds it.
    private const double FloatTolerance = 1e-5;

    private static readonly int[] Sizes = { 37, 5 };

    [Theory]
    [InlineData(0.0, false, 0.0)]
    [InlineData(0.9, false, 0.0)]
    [InlineData(0.9, true, 0.0)]
    [InlineData(0.5, false, 0.1)]
    [InlineData(0.8, true, 0.05)]
    [InlineData(0.0, false, 0.2)]
    public void Sgd_follows_the_pytorch_rule(double momentum, bool nesterov, double weightDecay)
    {
        const double lr = 0.1;
        Check<double>(set => new Sgd<double>(set, lr, momentum, nesterov, weightDecay), SgdReference(lr, momentum, nesterov, weightDecay), DoubleTolerance);
        Check<float>(set => new Sgd<float>(set, (float)lr, (float)momentum, nesterov, (float)weightDecay), SgdReference(lr, momentum, nesterov, weightDecay), FloatTolerance);
    }

    [Theory]
    [InlineData(0.9, 0.999, 1e-8, 0.0)]
    [InlineData(0.8, 0.99, 1e-3, 0.1)]
    [InlineData(0.0, 0.5, 1e-6, 0.0)]
    public void Adam_follows_the_pytorch_rule_with_bias_correction(double beta1, double beta2, double epsilon, double weightDecay)
    {
        const double lr = 0.01;
        Check<double>(set => new Adam<double>(set, lr, beta1, beta2, epsilon, weightDecay), AdamReference(lr, beta1, beta2, epsilon, weightDecay, decoupled: false), DoubleTolerance);
        Check<float>(set => new Adam<float>(set, (float)lr, (float)beta1, (float)beta2, (float)epsilon, (float)weightDecay), AdamReference(lr, beta1, beta2, epsilon, weightDecay, decoupled: false), FloatTolerance);
    }

    [Theory]
    [InlineData(0.9, 0.999, 1e-8, 0.01)]
    [InlineData(0.8, 0.99, 1e-3, 0.3)]
    public void AdamW_follows_the_pytorch_rule_with_decoupled_decay(double beta1, double beta2, double epsilon, double weightDecay)
    {
        const double lr = 0.01;
        Check<double>(set => new AdamW<double>(set, lr, beta1, beta2, epsilon, weightDecay), AdamReference(lr, beta1, beta2, epsilon, weightDecay, decoupled: true), DoubleTolerance);
        Check<float>(set => new AdamW<float>(set, (float)lr, (float)beta1, (float)beta2, (float)epsilon, (float)weightDecay), AdamReference(lr, beta1, beta2, epsilon, weightDecay, decoupled: true), FloatTolerance);
    }

    [Fact]
    public void Adam_first_step_moves_each_parameter_by_the_learning_rate_against_the_gradient_sign()
    {
        // Step 1: m̂ = g and v̂ = g², so the update is η·g/(|g| + ε) ≈ η·sign(g) (Kingma and Ba, section 2.1).
        var module = new ParameterBlock<double>(3);
        var set = new ParameterSet<double>().Add("p", module);
        set.Gradients(module)[0] = 5;
        set.Gradients(module)[1] = -1e-3;
        set.Gradients(module)[2] = 0;
        new Adam<double>(set, 0.01).Step();
        Assert.Equal(-0.01 * 5 / (5 + 1e-8), module.Parameters[0], 15);
        Assert.Equal(0.01 * 1e-3 / (1e-3 + 1e-8), module.Parameters[1], 15);
        Assert.Equal(0.0, module.Parameters[2]);
        Assert.Equal(0.01, Math.Abs(module.Parameters[1]), 6); // whatever |g|, the first step is η, up to ε/|g|
    }

    [Fact]
    public void AdamW_decays_weights_without_gradient_and_Adam_does_not_decouple()
    {
        var decoupled = new ParameterBlock<double>(2);
        decoupled.Parameters.Fill(2);
        var withAdamW = new AdamW<double>(new ParameterSet<double>().Add("p", decoupled), 0.1, 0.9, 0.999, 1e-8, 0.5);
        withAdamW.Step();
        withAdamW.Step();
        Assert.Equal(2 * (1 - 0.05) * (1 - 0.05), decoupled.Parameters[0], 14); // θ·(1 − ηλ) per step, nothing else

        // Adam's L2 term enters the gradient instead: g = λθ = 1, so step 1 moves θ by η (as any Adam first step).
        var coupled = new ParameterBlock<double>(2);
        coupled.Parameters.Fill(2);
        new Adam<double>(new ParameterSet<double>().Add("p", coupled), 0.1, 0.9, 0.999, 1e-8, 0.5).Step();
        Assert.Equal(2 - 0.1, coupled.Parameters[0], 7);
    }

    [Fact]
    public void Learning_rate_changes_between_steps_and_hyperparameters_are_checked()
    {
        var module = new ParameterBlock<float>(4);
        var set = new ParameterSet<float>().Add("p", module);
        set.Gradients(module).Fill(1);
        var sgd = new Sgd<float>(set, 0.5f);
        sgd.Step();
        sgd.LearningRate = 0.25f;
        sgd.Step();
        Assert.All(module.Parameters.ToArray(), v => Assert.Equal(-0.75f, v));

        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = -1).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>(set, 0.1f, momentum: 1)).ParamName);
        Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Sgd<float>(set, 0.1f, nesterov: true)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>(set, 0.1f, 0.9f, 1f, 1e-8f)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW<float>(set, 0.1f, 0.9f, 0.99f, 0, 0.01f)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>(set, 0.1f, 0.9f, 0.99f, 1e-8f, -1)).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentNullException>(() => new AdamW<float>(null!, 0.1f)).ParamName);
    }

    /// <summary>One element's documented rule: (θ, g, step, state) → θ'.</summary>
    private delegate double Rule(double parameter, double gradient, int step, double[] state);

    /// <summary>Runs three steps with fresh random gradients on two modules and compares every element with <paramref name="rule"/>.</summary>
    private static void Check<T>(Func<ParameterSet<T>, Optimizer<T>> create, Rule rule, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(1234);
        var modules = Array.ConvertAll(Sizes, n => new ParameterBlock<T>(n));
        var set = new ParameterSet<T>();
        for (var m = 0; m < modules.Length; m++)
        {
            set.Add("m" + m, modules[m]);
            FillUniform(random, modules[m].Parameters, 2);
        }

        var expected = Array.ConvertAll(modules, m => Array.ConvertAll(m.Parameters.ToArray(), v => double.CreateTruncating(v)));
        var states = Array.ConvertAll(modules, m => Array.ConvertAll(new int[m.ParameterCount], _ => new double[2]));
        var optimizer = create(set);
        for (var step = 1; step <= 3; step++)
        {
            for (var m = 0; m < modules.Length; m++)
            {
                var gradients = set.Gradients(modules[m]);
                FillUniform(random, gradients, step == 2 ? 1e-3 : 3); // small and large gradients
                for (var k = 0; k < gradients.Length; k++)
                {
                    expected[m][k] = rule(expected[m][k], double.CreateTruncating(gradients[k]), step, states[m][k]);
                }
            }

            optimizer.Step();
            for (var m = 0; m < modules.Length; m++)
            {
                for (var k = 0; k < expected[m].Length; k++)
                {
                    var actual = double.CreateTruncating(modules[m].Parameters[k]);
                    AssertClose(expected[m][k], actual, tolerance * Math.Max(1, Math.Abs(expected[m][k])), $"{typeof(T).Name} step {step}, module {m}, θ[{k}]");
                }
            }
        }
    }

    /// <summary>torch.optim.SGD (dampening 0): g ← g + λθ; b ← g at step 1, else μb + g; g ← g + μb (Nesterov) or b; θ ← θ − ηg.</summary>
    private static Rule SgdReference(double lr, double momentum, bool nesterov, double weightDecay) => (theta, g, step, state) =>
    {
        g += weightDecay * theta;
        if (momentum != 0)
        {
            state[0] = step == 1 ? g : (momentum * state[0]) + g;
            g = nesterov ? g + (momentum * state[0]) : state[0];
        }

        return theta - (lr * g);
    };

    /// <summary>
    /// torch.optim.Adam / AdamW: g ← g + λθ (Adam) or θ ← θ(1 − ηλ) (AdamW); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²;
    /// m̂ = m/(1 − β₁ᵗ); v̂ = v/(1 − β₂ᵗ); θ ← θ − η m̂/(√v̂ + ε).
    /// </summary>
    private static Rule AdamReference(double lr, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled) => (theta, g, step, state) =>
    {
        if (decoupled)
        {
            theta *= 1 - (lr * weightDecay);
        }
        else
        {
            g += weightDecay * theta;
        }

        state[0] = (beta1 * state[0]) + ((1 - beta1) * g);
        state[1] = (beta2 * state[1]) + ((1 - beta2) * g * g);
        var mHat = state[0] / (1 - Math.Pow(beta1, step));
        var vHat = state[1] / (1 - Math.Pow(beta2, step));
        return theta - (lr * mHat / (Math.Sqrt(vHat) + epsilon));
    };
}
