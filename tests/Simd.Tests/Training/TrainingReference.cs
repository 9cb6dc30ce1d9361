using System;
using System.Numerics;

namespace Simd.Tests.Support;

/// <summary>Plain double-precision references for the training runtime, written from the documented formulas.</summary>
internal static class TrainingReference
{
    public static double Activate(DenseActivation activation, double z) => activation switch
    {
        DenseActivation.Tanh => Math.Tanh(z),
        DenseActivation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        DenseActivation.Relu => Math.Max(0, z),
        _ => z,
    };

    /// <summary>Pre-activations z[b, o] = Σ_i W[o, i] x[b, i] + bias[o], and Σ |terms| (the rounding-error scale).</summary>
    public static (double[] PreActivations, double[] Magnitudes) DensePre<T>(IDenseLayer<T> layer, int batch, ReadOnlySpan<T> inputs)
        where T : unmanaged, INumberBase<T>
    {
        int I = layer.InputSize, O = layer.OutputSize;
        var p = layer.Parameters;
        var z = new double[batch * O];
        var magnitude = new double[batch * O];
        for (var b = 0; b < batch; b++)
        {
            for (var o = 0; o < O; o++)
            {
                var bias = double.CreateTruncating(p[(O * I) + o]);
                double sum = bias, scale = Math.Abs(bias);
                for (var i = 0; i < I; i++)
                {
                    var term = double.CreateTruncating(p[(o * I) + i]) * double.CreateTruncating(inputs[(b * I) + i]);
                    sum += term;
                    scale += Math.Abs(term);
                }

                z[(b * O) + o] = sum;
                magnitude[(b * O) + o] = scale;
            }
        }

        return (z, magnitude);
    }

    /// <summary>Softmax cross-entropy of one row in double: log Σ e^(z − max) + max − z_target.</summary>
    public static double CrossEntropyRow<T>(ReadOnlySpan<T> row, int target, Span<double> probabilities)
        where T : unmanaged, INumberBase<T>
    {
        var max = double.NegativeInfinity;
        foreach (var v in row)
        {
            max = Math.Max(max, double.CreateTruncating(v));
        }

        var sum = 0.0;
        for (var j = 0; j < row.Length; j++)
        {
            probabilities[j] = Math.Exp(double.CreateTruncating(row[j]) - max);
            sum += probabilities[j];
        }

        for (var j = 0; j < row.Length; j++)
        {
            probabilities[j] /= sum;
        }

        return Math.Log(sum) + max - double.CreateTruncating(row[target]);
    }
}

/// <summary>A module that is only a parameter array, for ParameterSet and optimizer tests.</summary>
internal sealed class ParameterBlock<T>(int count) : IParameterized<T>
    where T : unmanaged
{
    private readonly T[] _values = new T[count];

    public Span<T> Parameters => _values;

    public int ParameterCount => _values.Length;
}
