using System;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;

namespace Simd.Demo;

/// <summary>
/// The <c>agents</c> mode: game-loop style: every frame, each of N agents feeds an observation through its own LSTM state with one
/// shared <see cref="PolicyCell"/>. Measures per-frame latency percentiles and proves the steady state allocates
/// nothing (so the GC can never add a pause to a frame).
/// </summary>
public static class AgentsDemo
{
    private const int DefaultFrames = 20_000;
    private const int DefaultAgents = 1_000;
    private const int ObservationPool = 16; // distinct synthetic observation frames, cycled

    /// <summary>Runs the agents benchmark.</summary>
    /// <param name="args">The arguments after <c>agents</c>: <c>--frames N</c>, <c>--agents N</c>, <c>--per-agent</c> (call <c>Step</c> per agent instead of one <c>StepBatch</c>).</param>
    /// <returns>0 on success; 1 if the timed loop allocated; 2 on bad arguments.</returns>
    public static int Run(string[] args)
    {
        int frames = DefaultFrames, agents = DefaultAgents;
        bool perAgent = false;
        for (int a = 0; a < args.Length; a++)
        {
            switch (args[a])
            {
                case "--frames" when a + 1 < args.Length && int.TryParse(args[a + 1], out frames) && frames > 0:
                case "--agents" when a + 1 < args.Length && int.TryParse(args[a + 1], out agents) && agents > 0:
                    a++;
                    break;
                case "--per-agent":
                    perAgent = true;
                    break;
                default:
                    Console.Error.WriteLine($"unknown or invalid argument '{args[a]}'");
                    Console.Error.WriteLine("usage: Simd.Demo agents [--frames N (default 20000)] [--agents N (default 1000)] [--per-agent]");
                    return 2;
            }
        }

        var world = new World(agents, seed: 2024);
        string path = Vector512.IsHardwareAccelerated ? "Vector512 (AVX-512)" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
        Console.WriteLine($"Simd demo: LSTM policy ({PolicyCell.InputSize} inputs -> {PolicyCell.HiddenSize} hidden, {PolicyCell.ParameterCount:N0} parameters)");
        Console.WriteLine($"  {agents:N0} agents per frame, {(perAgent ? "Step per agent" : "one StepBatch per frame")}, SIMD path {path}");

        // Warm-up: at least 300 frames and 1 s, so the frame loop itself is tiered up (the kernels are compiled fully
        // optimised from the start) and caches, branch predictors and the CPU clock have settled.
        var warm = Stopwatch.StartNew();
        int warmFrames = 0;
        while (warmFrames < 300 || warm.ElapsedMilliseconds < 1000)
        {
            world.Frame(warmFrames++, perAgent);
        }
        Console.WriteLine($"  warm-up: {warmFrames:N0} frames in {warm.Elapsed.TotalSeconds:F1} s");
        world.Reset(); // the timed run starts from zero state, so its checksum depends only on --frames and --agents

        var ticks = new long[frames];
        bool interactive = !Console.IsOutputRedirected;
        int chunk = Math.Max(1, frames / 50);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long allocated = 0;
        var total = Stopwatch.StartNew();
        for (int start = 0; start < frames; start += chunk)
        {
            int end = Math.Min(frames, start + chunk);
            // Allocation is counted around the frames only, not around the progress output below.
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int f = start; f < end; f++)
            {
                long t0 = Stopwatch.GetTimestamp();
                world.Frame(f, perAgent);
                ticks[f] = Stopwatch.GetTimestamp() - t0;
            }
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            if (interactive)
            {
                int done = end * 30 / frames;
                Console.Write($"\r  timing {frames:N0} frames [{new string('#', done)}{new string('.', 30 - done)}] {end * 100 / frames,3}%");
            }
        }
        total.Stop();
        gen0 = GC.CollectionCount(0) - gen0;
        gen1 = GC.CollectionCount(1) - gen1;
        gen2 = GC.CollectionCount(2) - gen2;
        if (interactive)
        {
            Console.WriteLine();
        }

        Report(ticks, agents, total.Elapsed, gen0, gen1, gen2, allocated, world.Checksum());
        if (allocated != 0)
        {
            Console.Error.WriteLine($"error: the timed loop allocated {allocated} bytes; the per-frame path must be allocation-free");
            return 1;
        }
        return 0;
    }

    private static void Report(long[] ticks, int agents, TimeSpan total, int gen0, int gen1, int gen2, long allocated, double checksum)
    {
        Array.Sort(ticks);
        double UsAt(double q) => ticks[Math.Clamp((int)Math.Ceiling(q * ticks.Length) - 1, 0, ticks.Length - 1)] * 1e6 / Stopwatch.Frequency;
        double sum = 0;
        foreach (long t in ticks)
        {
            sum += t;
        }
        double meanUs = sum / ticks.Length * 1e6 / Stopwatch.Frequency;
        double flopsPerAgent = 2.0 * 4 * PolicyCell.HiddenSize * (PolicyCell.InputSize + PolicyCell.HiddenSize);
        var ci = CultureInfo.InvariantCulture;

        Console.WriteLine();
        Console.WriteLine($"Frame latency over {ticks.Length:N0} frames ({agents:N0} agents each)");
        Console.WriteLine(string.Format(ci, "  p50     {0,10:N1} us", UsAt(0.50)));
        Console.WriteLine(string.Format(ci, "  p99     {0,10:N1} us", UsAt(0.99)));
        Console.WriteLine(string.Format(ci, "  p99.9   {0,10:N1} us", UsAt(0.999)));
        Console.WriteLine(string.Format(ci, "  max     {0,10:N1} us", UsAt(1.0)));
        Console.WriteLine(string.Format(ci, "  mean    {0,10:N1} us", meanUs));
        Console.WriteLine(string.Format(ci, "Per agent-step    {0,8:N1} ns average ({1:N1} GFLOP/s)", meanUs * 1e3 / agents, flopsPerAgent * agents / (meanUs * 1e3)));
        Console.WriteLine(string.Format(ci, "Throughput        {0,8:N2} M agent-steps/s", agents / meanUs));
        Console.WriteLine($"GC collections    gen0 {gen0}, gen1 {gen1}, gen2 {gen2}");
        Console.WriteLine($"Allocated         {allocated:N0} bytes in the timed loop{(allocated == 0 ? " (allocation-free)" : "  <-- expected 0")}");
        Console.WriteLine(string.Format(ci, "Timed wall time   {0:F1} s; state checksum {1:F6}", total.TotalSeconds, checksum));
    }

    /// <summary>All agents' state and the shared policy; preallocated so a frame allocates nothing.</summary>
    private sealed class World
    {
        private readonly PolicyCell _policy = new();
        private readonly float[] _hidden, _cell;
        private readonly float[][] _observations; // synthetic sensor frames, cycled
        private readonly int _agents;

        public World(int agents, ulong seed)
        {
            _agents = agents;
            _policy.InitializeParameters(seed);
            _hidden = new float[agents * PolicyCell.HiddenSize];
            _cell = new float[agents * PolicyCell.HiddenSize];
            // Smooth per-agent signals plus noise, like positions and velocities read from a game world.
            var random = new Random((int)seed);
            _observations = new float[ObservationPool][];
            for (int f = 0; f < ObservationPool; f++)
            {
                var obs = new float[agents * PolicyCell.InputSize];
                for (int a = 0; a < agents; a++)
                {
                    for (int k = 0; k < PolicyCell.InputSize; k++)
                    {
                        obs[(a * PolicyCell.InputSize) + k] = MathF.Sin((0.3f * f) + (0.7f * k) + (0.01f * a)) + (0.1f * (random.NextSingle() - 0.5f));
                    }
                }
                _observations[f] = obs;
            }
        }

        /// <summary>Advances every agent by one step.</summary>
        public void Frame(int frame, bool perAgent)
        {
            float[] obs = _observations[frame % ObservationPool];
            if (!perAgent)
            {
                // One call: the weights are read once per 4 agents instead of once per agent.
                _policy.StepBatch(obs, _hidden, _cell);
                return;
            }
            const int n = PolicyCell.InputSize, h = PolicyCell.HiddenSize;
            for (int a = 0; a < _agents; a++)
            {
                _policy.Step(obs.AsSpan(a * n, n), _hidden.AsSpan(a * h, h), _cell.AsSpan(a * h, h));
            }
        }

        /// <summary>Zeroes every agent's memory (h and c), as at the start of an episode.</summary>
        public void Reset()
        {
            Array.Clear(_hidden);
            Array.Clear(_cell);
        }

        /// <summary>Mean |h| over all agents, printed so the work is visibly done and comparable between runs.</summary>
        public double Checksum()
        {
            double s = 0;
            foreach (float v in _hidden)
            {
                s += Math.Abs(v);
            }
            return s / _hidden.Length;
        }
    }
}
