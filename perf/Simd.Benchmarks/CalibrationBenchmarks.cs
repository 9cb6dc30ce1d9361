using BenchmarkDotNet.Attributes;

namespace Simd.Benchmarks;

/// <summary>
/// The core's FMA throughput: FLOPs per call are <see cref="Calibration.FmaV512Flops"/> and
/// <see cref="Calibration.FmaV256Flops"/>; GFLOP/s = FLOPs ÷ median ns (perf/summarize.py prints it).
/// </summary>
[MemoryDiagnoser]
public class CalibrationBenchmarks
{
    private float _seed = 0.5f;

    /// <summary>8 independent Vector512 FMA chains.</summary>
    /// <returns>Accumulator sum.</returns>
    [Benchmark]
    public float FmaPeakV512() => Calibration.FmaPeakV512(_seed);

    /// <summary>12 independent Vector256 FMA chains.</summary>
    /// <returns>Accumulator sum.</returns>
    [Benchmark]
    public float FmaPeakV256() => Calibration.FmaPeakV256(_seed);
}
