using System;
using System.Diagnostics;
using System.Globalization;
using Simd;

namespace Simd.AotSample;

/// <summary>
/// Runs an LSTM step, a GRU step and a multi-head attention decode step, prints their outputs (so a NativeAOT build can
/// be compared with the JIT build of the same code) and how long each first call took against a warmed-up call:
/// the cold-start cost a game or trading process pays on its first frame or tick.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <returns>0.</returns>
    public static int Main()
    {
        // A NativeAOT binary has compiled every method ahead of time, so the JIT has compiled none.
        var runtime = System.Runtime.JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT";
        Console.WriteLine($"runtime: {runtime}; vector paths accelerated: 512-bit {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}, "
            + $"256-bit {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, 128-bit {System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}");

        var lstm = new Policy();
        lstm.InitializeParameters(7);
        var x = Ramp(Policy.InputSize);
        var h = new float[Policy.HiddenSize];
        var c = new float[Policy.HiddenSize];
        Report("LSTM (32,64) Step", () => lstm.Step(x, h, c), h);

        var gru = new Memory();
        gru.InitializeParameters(8);
        var g = new float[Memory.HiddenSize];
        Report("GRU (32,64) Step", () => gru.Step(x, g), g);

        var attention = new SelfAttention();
        attention.InitializeParameters(9);
        var cache = attention.CreateCache(capacity: 1024, maxBatch: 1);
        var token = Ramp(SelfAttention.ModelSize);
        var output = new float[SelfAttention.ModelSize];
        Report("MultiHeadAttention (64,4) DecodeStep", () =>
        {
            if (cache.Count == cache.Capacity)
            {
                cache.Clear();
            }

            attention.DecodeStep(1, token, cache, output, default);
        }, output);
        return 0;
    }

    private static float[] Ramp(int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (i % 7) / 7f - 0.4f;
        }

        return values;
    }

    private static void Report(string name, Action step, float[] state)
    {
        var clock = Stopwatch.StartNew();
        step();
        var first = clock.Elapsed.TotalMicroseconds;
        var outputs = string.Join(" ", Array.ConvertAll(state[..4], v => v.ToString("F6", CultureInfo.InvariantCulture)));
        for (var i = 0; i < 999; i++)
        {
            step();
        }

        clock.Restart();
        step();
        var warm = clock.Elapsed.TotalMicroseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: first call {first:F1} µs, call 1001 {warm:F2} µs; after one call: {outputs}"));
    }
}

/// <summary>The LSTM cell of the sample.</summary>
[LstmCell(32, 64)]
public sealed partial class Policy;

/// <summary>The GRU cell of the sample.</summary>
[GruCell(32, 64)]
public sealed partial class Memory;

/// <summary>The attention cell of the sample.</summary>
[MultiHeadAttention(64, 4)]
public sealed partial class SelfAttention;
