using System;
using System.Diagnostics;
using System.Globalization;

namespace Simd.Benchmarks;

/// <summary>
/// Tail latency of one LSTM step at (32,64): times each of a million single steps and reports percentiles, the
/// maximum and the number of garbage collections, once stepping one agent over and over (its state stays in L1) and
/// once stepping 1,000 agents in turn as a game frame would (1,000 states: 512 KB, so each step starts from L2).
/// Run with <c>dotnet run -c Release --project perf/Simd.Benchmarks -- latency [steps]</c>.
/// </summary>
public static class TailLatency
{
    private const int Agents = 1000;

    /// <summary>Runs both scenarios and prints a Markdown table.</summary>
    /// <param name="steps">Steps to time per scenario.</param>
    public static void Run(int steps)
    {
        var cell = new Lstm32x64();
        cell.InitializeParameters(5);
        var input = Verify.RandomArray(Lstm32x64.InputSize, 6);
        var hidden = new float[Agents * Lstm32x64.HiddenSize];
        var state = new float[Agents * Lstm32x64.HiddenSize];
        var ticks = new long[steps];

        Console.WriteLine($"LSTM (32,64) single step, {steps:N0} timed steps per scenario, Stopwatch resolution {1e9 / Stopwatch.Frequency:F0} ns");
        Console.WriteLine();
        Console.WriteLine("| scenario | p50 ns | p99 ns | p99.9 ns | p99.99 ns | max ns | p99.9 / p50 | GCs |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var agents in new[] { 1, Agents })
        {
            // Warm up: tiered compilation promotes the step to fully optimized code within the first thousands of calls.
            Measure(cell, input, hidden, state, agents, ticks.AsSpan(0, Math.Min(steps, 200_000)));
            var collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
            Measure(cell, input, hidden, state, agents, ticks);
            collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - collections;
            Array.Sort(ticks);
            double Ns(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * 1e9 / Stopwatch.Frequency;
            var name = agents == 1 ? "one agent, repeated" : $"{agents:N0} agents per frame, in turn";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Ns(0.5):F0} | {Ns(0.99):F0} | {Ns(0.999):F0} | {Ns(0.9999):F0} | {ticks[^1] * 1e9 / Stopwatch.Frequency:F0} | {Ns(0.999) / Ns(0.5):F2} | {collections} |"));
        }
    }

    private static void Measure(Lstm32x64 cell, float[] input, float[] hidden, float[] state, int agents, Span<long> ticks)
    {
        const int H = Lstm32x64.HiddenSize;
        var agent = 0;
        for (var i = 0; i < ticks.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            cell.Step(input, hidden.AsSpan(agent * H, H), state.AsSpan(agent * H, H));
            ticks[i] = Stopwatch.GetTimestamp() - start;
            agent = agent + 1 == agents ? 0 : agent + 1;
        }
    }
}
