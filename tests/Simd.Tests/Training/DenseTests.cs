using System;
using System.Numerics;
using FsCheck.Xunit;
using Simd.Tests.Support;
using Xunit;
using static Simd.Tests.Support.TrainingReference;

namespace Simd.Tests;

/// <summary>
/// Generated dense layers against the double reference y = act(W x + b) (forward) and against central finite
/// differences of L = Σ r ⊙ y in double (backward), over every activation, random batches 1–6 and the catalog's shapes.
/// </summary>
public sealed class DenseTests
{
    // Float: the dot product of n terms is within n·u·Σ|terms| (u = 2⁻²⁴; doubled for the bias and the vector/tail
    // split), and the activation adds at most 1.2e-7 (README accuracy table; 2.5e-7 leaves room for the 2-ulp
    // vector/scalar difference). Activations are 1-Lipschitz, so the pre-activation error passes through unchanged.
    private const double FloatUnit = 1.0 / (1 << 24);
    private const double FloatActivationError = 2.5e-7;

    // Double: the same bound with u = 2⁻⁵³ and an activation error of at most 3.3e-16 (README), doubled.
    private const double DoubleUnit = 1.0 / (1L << 53);
    private const double DoubleActivationError = 7e-16;

    [Property(MaxTest = 80)]
    public void Float_forward_matches_the_reference(int pick, int batchPick, int seed) =>
        ForwardMatches(LayerCatalog.DenseFloat, pick, batchPick, seed, FloatUnit, FloatActivationError);

    [Property(MaxTest = 80)]
    public void Double_forward_matches_the_reference(int pick, int batchPick, int seed) =>
        ForwardMatches(LayerCatalog.DenseDouble, pick, batchPick, seed, DoubleUnit, DoubleActivationError);

    [Property(MaxTest = 60)]
    public void Double_backward_matches_central_differences(int pick, int batchPick, int seed)
    {
        var entry = LayerCatalog.DenseDouble[Math.Abs(pick % LayerCatalog.DenseDouble.Length)];
        var layer = entry.Create();
        var batch = 1 + Math.Abs(batchPick % 6);
        int I = layer.InputSize, O = layer.OutputSize, P = layer.ParameterCount;
        var random = new Random(seed);
        var x = Fill<double>(random, batch * I, 1);
        FillUniform(random, layer.Parameters, 1);
        if (entry.Activation == DenseActivation.Relu)
        {
            // ReLU has a kink at 0: finite differences straddling it are wrong, so keep every pre-activation 1e-3 away.
            var (z, _) = DensePre(layer, batch, x);
            for (var k = 0; k < z.Length; k++)
            {
                if (Math.Abs(z[k]) < 1e-3)
                {
                    layer.Parameters[(O * I) + (k % O)] += 5e-3;
                    (z, _) = DensePre(layer, batch, x);
                    k = -1;
                }
            }
        }

        var r = Fill<double>(random, batch * O, 1);
        var y = new double[batch * O];
        layer.Forward(batch, x, y);
        var dx = new double[batch * I];
        var dTheta = Fill<double>(random, P, 1);
        var before = (double[])dTheta.Clone();
        layer.Backward(batch, x, y, r, dx, dTheta);

        double Loss(double[] inputs)
        {
            var outputs = new double[batch * O];
            layer.Forward(batch, inputs, outputs);
            var sum = 0.0;
            for (var k = 0; k < outputs.Length; k++)
            {
                sum += r[k] * outputs[k];
            }

            return sum;
        }

        // h = 1e-6: truncation error h²·|L'''|/6 ≈ 1e-12 and rounding ≈ u·|L|/h ≈ 1e-9 for |L| ≲ 10, so 1e-7 relative to
        // max(1, |g|) is three orders of magnitude above both and far below any real error.
        const double h = 1e-6, tolerance = 1e-7;
        for (var k = 0; k < P; k++)
        {
            var saved = layer.Parameters[k];
            layer.Parameters[k] = saved + h;
            var plus = Loss(x);
            layer.Parameters[k] = saved - h;
            var minus = Loss(x);
            layer.Parameters[k] = saved;
            var numeric = (plus - minus) / (2 * h);
            var analytic = dTheta[k] - before[k];
            Assert.True(Math.Abs(numeric - analytic) <= tolerance * Math.Max(1, Math.Abs(numeric)), $"{entry} B={batch}: dθ[{k}] = {analytic}, finite difference {numeric}");
        }

        for (var k = 0; k < x.Length; k++)
        {
            var saved = x[k];
            x[k] = saved + h;
            var plus = Loss(x);
            x[k] = saved - h;
            var minus = Loss(x);
            x[k] = saved;
            var numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - dx[k]) <= tolerance * Math.Max(1, Math.Abs(numeric)), $"{entry} B={batch}: dx[{k}] = {dx[k]}, finite difference {numeric}");
        }
    }

    [Property(MaxTest = 60)]
    public void Float_backward_matches_the_double_formula(int pick, int batchPick, int seed)
    {
        var entry = LayerCatalog.DenseFloat[Math.Abs(pick % LayerCatalog.DenseFloat.Length)];
        var layer = entry.Create();
        var batch = 1 + Math.Abs(batchPick % 6);
        int I = layer.InputSize, O = layer.OutputSize, P = layer.ParameterCount;
        var random = new Random(seed);
        var x = Fill<float>(random, batch * I, 1);
        FillUniform(random, layer.Parameters, 1);
        var r = Fill<float>(random, batch * O, 1);
        var y = new float[batch * O];
        layer.Forward(batch, x, y);
        var dx = new float[batch * I];
        var dTheta = new float[P];
        layer.Backward(batch, x, y, r, dx, dTheta);

        // δ from the float outputs, as the documented backward does (tanh: 1 − y², sigmoid: y(1 − y), relu: y > 0).
        // deltaScale bounds the magnitudes inside δ's own float arithmetic (1 − y² loses digits when |y| is near 1),
        // which the rounding bound must scale with rather than with |δ|.
        var delta = new double[batch * O];
        var deltaScale = new double[batch * O];
        for (var k = 0; k < delta.Length; k++)
        {
            double yk = y[k], rk = r[k];
            deltaScale[k] = entry.Activation switch
            {
                DenseActivation.Tanh => Math.Abs(rk) * (1 + (yk * yk)),
                DenseActivation.Sigmoid => Math.Abs(rk) * Math.Abs(yk) * (1 + Math.Abs(yk)),
                _ => Math.Abs(rk),
            };
            delta[k] = entry.Activation switch
            {
                DenseActivation.Tanh => rk * (1 - (yk * yk)),
                DenseActivation.Sigmoid => rk * yk * (1 - yk),
                DenseActivation.Relu => yk > 0 ? rk : 0,
                _ => rk,
            };
        }

        // Each gradient element is a sum of at most max(B, O) products, each rounded once in float (δ itself carries
        // ≤ 3 roundings): 8·n·u·Σ|terms| bounds the float result.
        var p = layer.Parameters;
        for (var o = 0; o < O; o++)
        {
            double bias = 0, biasScale = 0;
            for (var b = 0; b < batch; b++)
            {
                bias += delta[(b * O) + o];
                biasScale += deltaScale[(b * O) + o];
            }

            AssertClose(bias, dTheta[(O * I) + o], 8 * (batch + 3) * FloatUnit * biasScale, $"{entry} dbias[{o}]");
            for (var i = 0; i < I; i++)
            {
                double w = 0, scale = 0;
                for (var b = 0; b < batch; b++)
                {
                    w += delta[(b * O) + o] * x[(b * I) + i];
                    scale += deltaScale[(b * O) + o] * Math.Abs(x[(b * I) + i]);
                }

                AssertClose(w, dTheta[(o * I) + i], 8 * (batch + 3) * FloatUnit * scale, $"{entry} dW[{o},{i}]");
            }
        }

        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; i < I; i++)
            {
                double sum = 0, scale = 0;
                for (var o = 0; o < O; o++)
                {
                    sum += delta[(b * O) + o] * p[(o * I) + i];
                    scale += deltaScale[(b * O) + o] * Math.Abs(p[(o * I) + i]);
                }

                AssertClose(sum, dx[(b * I) + i], 8 * (O + 3) * FloatUnit * scale, $"{entry} dx[{b},{i}]");
            }
        }
    }

    [Fact]
    public void Backward_with_an_empty_input_gradient_gives_the_same_parameter_gradients()
    {
        var layer = new DenseTanh3x17();
        var random = new Random(3);
        FillUniform(random, layer.Parameters, 1);
        var x = Fill<float>(random, 4 * 3, 1);
        var y = new float[4 * 17];
        layer.Forward(4, x, y);
        var r = Fill<float>(random, 4 * 17, 1);
        var withInputs = new float[DenseTanh3x17.ParameterCount];
        var without = new float[DenseTanh3x17.ParameterCount];
        layer.Backward(4, x, y, r, new float[4 * 3], withInputs);
        layer.Backward(4, x, y, r, default, without);
        Assert.Equal(withInputs, without);
    }

    [Fact]
    public void Parameters_are_pytorch_weight_then_bias_and_round_trip_by_name()
    {
        var layer = new DenseNone7x5D();
        Assert.Equal(new[] { "weight", "bias" }, layer.PyTorchParameterNames);
        Assert.Equal(5 * 7 + 5, DenseNone7x5D.ParameterCount);
        var weight = new double[5 * 7];
        var bias = new double[5];
        for (var k = 0; k < weight.Length; k++)
        {
            weight[k] = k + 1;
        }

        for (var k = 0; k < bias.Length; k++)
        {
            bias[k] = -(k + 1);
        }

        layer.ImportPyTorch("weight", weight);
        layer.ImportPyTorch("bias", bias);

        // y = W x + b with x = e_2 picks column 2 of the [out, in] weight: W[o, 2] = 7o + 3, plus bias[o] = −(o + 1).
        var x = new double[7];
        x[2] = 1;
        var y = new double[5];
        layer.Forward(1, x, y);
        for (var o = 0; o < 5; o++)
        {
            Assert.Equal((7 * o) + 3 - (o + 1), y[o]);
        }

        var exported = new double[5 * 7];
        layer.ExportPyTorch("weight", exported);
        Assert.Equal(weight, exported);
        Assert.Equal(weight.Length, DenseNone7x5D.PyTorchParameterLength("weight"));
    }

    [Fact]
    public void Initialization_follows_nn_Linear_bounds_and_the_seed()
    {
        var a = new DenseTanh21x9D();
        var b = new DenseTanh21x9D();
        a.InitializeParameters(5);
        b.InitializeParameters(5);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        var bound = 1 / Math.Sqrt(21);
        var largest = 0.0;
        foreach (var v in a.Parameters)
        {
            Assert.InRange(v, -bound, bound);
            largest = Math.Max(largest, Math.Abs(v));
        }

        Assert.True(largest > bound / 2, "198 uniform draws should reach past half the bound");
        b.InitializeParameters(6);
        Assert.NotEqual(a.Parameters.ToArray(), b.Parameters.ToArray());
    }

    [Fact]
    public void Wrong_lengths_throw_naming_the_argument_and_leave_outputs_unchanged()
    {
        var layer = new DenseSigmoid11x6();
        var outputs = new float[2 * 6];
        outputs.AsSpan().Fill(42);
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(2, new float[21], outputs));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("expected 22", e.Message);
        Assert.All(outputs, v => Assert.Equal(42f, v));
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => layer.Forward(2, new float[22], new float[11])).ParamName);
        Assert.Equal("batch", Assert.ThrowsAny<ArgumentException>(() => layer.Forward(0, default, default)).ParamName);

        var gradients = new float[DenseSigmoid11x6.ParameterCount];
        Assert.Equal("outputGradients", Assert.Throws<ArgumentException>(() => layer.Backward(2, new float[22], outputs, new float[11], default, gradients)).ParamName);
        Assert.Equal("inputGradients", Assert.Throws<ArgumentException>(() => layer.Backward(2, new float[22], outputs, outputs, new float[21], gradients)).ParamName);
        Assert.Equal("parameterGradients", Assert.Throws<ArgumentException>(() => layer.Backward(2, new float[22], outputs, outputs, default, new float[3])).ParamName);
        Assert.All(gradients, v => Assert.Equal(0f, v));
        Assert.Equal("tensor", Assert.Throws<ArgumentException>(() => layer.ImportPyTorch("bias", new float[5])).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => layer.ImportPyTorch("weights", new float[66])).ParamName);
    }

    private static void ForwardMatches<T>(DenseEntry<T>[] catalog, int pick, int batchPick, int seed, double unit, double activationError)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var entry = catalog[Math.Abs(pick % catalog.Length)];
        var layer = entry.Create();
        var batch = 1 + Math.Abs(batchPick % 6);
        var random = new Random(seed);
        var gain = random.Next(3) switch { 0 => 0.5, 1 => 1.0, _ => 4.0 };
        FillUniform(random, layer.Parameters, gain);
        var x = Fill<T>(random, batch * layer.InputSize, gain);
        var y = new T[batch * layer.OutputSize];
        layer.Forward(batch, x, y);
        var (z, magnitude) = DensePre(layer, batch, x);
        for (var k = 0; k < y.Length; k++)
        {
            var expected = Activate(entry.Activation, z[k]);
            var bound = (2 * (layer.InputSize + 2) * unit * magnitude[k]) + activationError;
            AssertClose(expected, double.CreateTruncating(y[k]), bound, $"{entry} B={batch} y[{k}]");
        }
    }

    internal static void AssertClose(double expected, double actual, double bound, string what) =>
        Assert.True(Math.Abs(expected - actual) <= bound, $"{what}: expected {expected:R}, got {actual:R}, |error| {Math.Abs(expected - actual):E2} > {bound:E2}");

    internal static T[] Fill<T>(Random random, int length, double gain)
        where T : unmanaged, INumberBase<T>
    {
        var values = new T[length];
        FillUniform(random, values, gain);
        return values;
    }

    internal static void FillUniform<T>(Random random, Span<T> values, double gain)
        where T : unmanaged, INumberBase<T>
    {
        for (var k = 0; k < values.Length; k++)
        {
            values[k] = T.CreateTruncating(((2 * random.NextDouble()) - 1) * gain);
        }
    }
}
