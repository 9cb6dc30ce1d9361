using System.Linq;
using BenchmarkDotNet.Running;

namespace Simd.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher, so <c>--filter</c>, <c>--job</c>, <c>--inProcess</c> etc. all work; the
/// first argument <c>latency</c> runs <see cref="TailLatency"/> instead.
/// </summary>
public static class Program
{
    /// <summary>Runs the selected benchmarks.</summary>
    /// <param name="args">BenchmarkDotNet command-line arguments.</param>
    /// <returns>0 when every selected benchmark ran (including its verification); 1 otherwise, so CI notices.</returns>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "latency")
        {
            TailLatency.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
            return 0;
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
        bool failed = summaries.Count == 0
            || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Length == 0 || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}
