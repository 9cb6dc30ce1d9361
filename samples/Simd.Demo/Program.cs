using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.Intrinsics;

namespace Simd.Demo;

/// <summary>Command-line options of the tutorial demo.</summary>
internal sealed record Options(string Output, bool Quick, double Scale, string Experiments)
{
    /// <summary>Training steps for an experiment: its default times <see cref="Scale"/>, or a few for the CI smoke run.</summary>
    public int Steps(int standard, int quick) => Quick ? quick : Math.Max(1, (int)Math.Round(standard * Scale));
}

/// <summary>
/// The tutorial demo: four small experiments on recurrent networks and attention, trained from scratch with Simd, written
/// to a report folder (Markdown summary and PNG charts). <c>agents</c> runs the game-loop latency demo instead.
/// </summary>
public static class Program
{
    private const string Usage =
        "usage: Simd.Demo [--out DIR (default report)] [--scale F (training steps × F, default 1)] [--quick (tiny smoke run)] [--only 134 (run some experiments; 2 needs 1)]\n" +
        "       Simd.Demo agents [--frames N] [--agents N] [--per-agent]   (1,000 agents stepped per frame; latency percentiles)";

    /// <summary>Runs the demo.</summary>
    /// <param name="args">See the usage text (<c>--help</c>).</param>
    /// <returns>0 on success; 2 on bad arguments (the <c>agents</c> mode returns 1 if its timed loop allocates).</returns>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "agents")
        {
            return AgentsDemo.Run(args[1..]);
        }

        string output = "report";
        bool quick = false;
        double scale = 1;
        string experiments = "1234";
        for (var a = 0; a < args.Length; a++)
        {
            switch (args[a])
            {
                case "--out" when a + 1 < args.Length:
                    output = args[++a];
                    break;
                case "--scale" when a + 1 < args.Length && double.TryParse(args[a + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out scale) && scale > 0:
                    a++;
                    break;
                case "--only" when a + 1 < args.Length && args[a + 1].Length > 0 && args[a + 1].All(c => c is >= '1' and <= '4'):
                    experiments = args[++a];
                    break;
                case "--quick":
                    quick = true;
                    break;
                default:
                    Console.Error.WriteLine(args[a] is "--help" or "-h" ? Usage : $"unknown or invalid argument '{args[a]}'\n{Usage}");
                    return args[a] is "--help" or "-h" ? 0 : 2;
            }
        }

        var options = new Options(output, quick, scale, experiments);
        var report = new Report(output);
        string path = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
        Console.WriteLine($"Simd tutorial demo: four experiments, report in '{output}' ({(quick ? "quick smoke run" : $"training steps × {scale.ToString(CultureInfo.InvariantCulture)}")}, SIMD path {path})");
        var clock = Stopwatch.StartNew();

        report.Line("# Simd tutorial demo: report");
        report.Line();
        report.Line($"Every number below was measured by this run ({(quick ? "`--quick` smoke run: too little training to mean anything" : $"training steps × {scale.ToString(CultureInfo.InvariantCulture)}")}; " +
            $"float32; SIMD path {path}; fixed seeds, so a rerun reproduces it on the same path).");
        report.Line();

        if (experiments.Contains('1', StringComparison.Ordinal))
        {
            var trained = MemoryExperiments.LongRangeMemory(options, report);
            if (experiments.Contains('2', StringComparison.Ordinal))
            {
                MemoryExperiments.VanishingGradients(options, report, trained);
            }
        }

        if (experiments.Contains('3', StringComparison.Ordinal))
        {
            WordsExperiment.Run(options, report);
        }

        if (experiments.Contains('4', StringComparison.Ordinal))
        {
            AttentionExperiment.Run(options, report);
        }

        report.Save();
        Console.WriteLine($"Report written to {System.IO.Path.GetFullPath(output)} (summary.md and 4 charts) in {clock.Elapsed.TotalSeconds:0} s.");
        return 0;
    }
}
