using System.Linq;
using BenchmarkDotNet.Running;

namespace Simd.Benchmarks;

/// <summary>Entry point: BenchmarkDotNet's switcher, so <c>--filter</c>, <c>--job</c>, <c>--inProcess</c> etc. all work.</summary>
public static class Program
{
    /// <summary>Runs the selected benchmarks.</summary>
    /// <param name="args">BenchmarkDotNet command-line arguments.</param>
    /// <returns>0 when every selected benchmark ran (including its verification); 1 otherwise, so CI notices.</returns>
    public static int Main(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args).ToList();
        bool failed = summaries.Count == 0
            || summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Length == 0 || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}
