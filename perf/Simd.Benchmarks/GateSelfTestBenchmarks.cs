using System;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Simd.Kernels;

namespace Simd.Benchmarks;

/// <summary>
/// A kernel the regression gate (perf/gate.py) can be shown to catch: with <c>SIMD_GATE_SLOWDOWN=k</c> in the
/// environment it repeats its work k times, a deliberate k-fold regression. Without the variable it is an ordinary
/// vector dot product over 4096 floats.
/// </summary>
[MemoryDiagnoser]
public class GateSelfTestBenchmarks
{
    private readonly float[] _left = Verify.RandomArray(4096, 91);
    private readonly float[] _right = Verify.RandomArray(4096, 92);
    private int _repeats = 1;

    /// <summary>Reads the deliberate slowdown factor (1 when unset).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var text = Environment.GetEnvironmentVariable("SIMD_GATE_SLOWDOWN");
        _repeats = string.IsNullOrEmpty(text) ? 1 : int.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>The dot product, repeated <c>SIMD_GATE_SLOWDOWN</c> times.</summary>
    /// <returns>The last dot product.</returns>
    [Benchmark]
    public float Dot4096()
    {
        float sum = 0;
        for (var i = 0; i < _repeats; i++)
        {
            sum = AttentionMath.Dot<float>(_left, _right);
        }

        return sum;
    }
}
