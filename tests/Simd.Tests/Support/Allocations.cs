using System;
using Xunit;

namespace Simd.Tests.Support;

/// <summary>The zero-allocation check every hot-path test shares.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="hotPaths"/> three times to warm up (tiered compilation, lazy runtime initialisation), then
    /// in windows of five runs: the steady state must allocate nothing. A window may still catch a one-off runtime
    /// event (a method re-jitted at a higher tier, which is not the hot path itself), so the best of three windows must
    /// be 0 bytes.
    /// </summary>
    public static void AssertNoneAfterWarmUp(Action hotPaths)
    {
        for (var i = 0; i < 3; i++)
        {
            hotPaths();
        }

        var windows = new long[3];
        for (var w = 0; w < windows.Length; w++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 5; i++)
            {
                hotPaths();
            }

            windows[w] = GC.GetAllocatedBytesForCurrentThread() - before;
            if (windows[w] == 0)
            {
                return;
            }
        }

        Assert.Fail($"every measurement window allocated: {string.Join(", ", windows)} bytes");
    }
}
