using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Simd.Tests.Determinism;

/// <summary>
/// Deterministic mode across instruction sets: the probe (tests/Simd.DeterminismProbe) runs seeded forward and
/// backward passes of every cell kind in a child process; the runtime picks its vector path once per process, so four
/// processes under the four DOTNET_Enable* settings run the Vector512, Vector256, Vector128 and scalar paths.
/// </summary>
public sealed class CrossPathDeterminismTests
{
    private static readonly (string Name, string? Variable)[] Settings =
    [
        ("default", null),
        ("DOTNET_EnableAVX512=0", "DOTNET_EnableAVX512"),
        ("DOTNET_EnableAVX2=0", "DOTNET_EnableAVX2"),
        ("DOTNET_EnableHWIntrinsic=0", "DOTNET_EnableHWIntrinsic"),
    ];

    private readonly ITestOutputHelper _output;

    public CrossPathDeterminismTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Deterministic_cells_give_the_same_bits_on_every_path_and_fast_cells_show_the_paths_differ()
    {
        var runs = Settings.Select(setting => RunProbe(setting.Variable)).ToArray();

        // The settings must really have switched paths, or equal bits would prove nothing.
        Assert.StartsWith("accelerated 512:False", runs[1].Accelerated, StringComparison.Ordinal);
        Assert.StartsWith("accelerated 512:False 256:False", runs[2].Accelerated, StringComparison.Ordinal);
        Assert.Equal("accelerated 512:False 256:False 128:False", runs[3].Accelerated);

        var deterministic = runs[0].Hashes.Keys.Where(static name => name.StartsWith("deterministic/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(15, deterministic.Length);
        foreach (var name in deterministic)
        {
            for (var r = 1; r < runs.Length; r++)
            {
                Assert.True(runs[0].Hashes[name] == runs[r].Hashes[name], $"{name}: the {Settings[r].Name} run's outputs or gradients differ from the default run's");
            }
        }

        // The fast twins of the same cells, same seeds: their paths differ (fused versus unfused multiply-adds, other
        // sum orders). Report by how much, relative to the largest magnitude in each case.
        var differing = 0;
        foreach (var name in runs[0].Hashes.Keys.Where(static name => name.StartsWith("fast/", StringComparison.Ordinal)))
        {
            var reference = runs[0].Values[name];
            var scale = reference.Max(static v => Math.Abs(v));
            var worst = 0.0;
            for (var r = 1; r < runs.Length; r++)
            {
                var other = runs[r].Values[name];
                Assert.Equal(reference.Length, other.Length);
                worst = Math.Max(worst, reference.Zip(other, static (a, b) => Math.Abs(a - b)).Max() / scale);
            }

            differing += worst > 0 ? 1 : 0;
            _output.WriteLine($"{name}: largest difference between paths {worst:E2} of the largest magnitude");
        }

        Assert.True(differing > 0, "no fast-mode cell differed between paths: the ISA settings did not take effect in the child processes");

        // Deterministic mode computes the same functions as the fast one (whose cells the other tests check against
        // double references), only in another rounding order. Each value is a chain of at most a few hundred rounded
        // operations on magnitudes near 1 (sums of ≤ 4·37 + 37 products, four steps, two layers), so the two modes
        // may differ by a few hundred units of roundoff relative to the largest magnitude: 1e-5 for float
        // (2^-24 ≈ 6e-8 each) and 1e-13 for double (2^-53 ≈ 1.1e-16 each).
        foreach (var name in deterministic)
        {
            var twin = "fast/" + name["deterministic/".Length..];
            var fixedOrder = runs[0].Values[name];
            var fast = runs[0].Values[twin];
            var scale = fast.Max(static v => Math.Abs(v));
            var worst = fixedOrder.Zip(fast, static (a, b) => Math.Abs(a - b)).Max() / scale;
            var bound = name.EndsWith("-double", StringComparison.Ordinal) ? 1e-13 : 1e-5;
            _output.WriteLine($"{name}: largest difference from the fast mode {worst:E2} of the largest magnitude");
            Assert.True(worst <= bound, $"{name} differs from its fast twin by {worst:E2} of the largest magnitude (bound {bound:E0})");
        }
    }

    private static ProbeRun RunProbe(string? disabled)
    {
        var valuesFile = Path.Combine(Path.GetTempPath(), $"simd-probe-{Guid.NewGuid():N}.bin");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ProbePath());
        start.ArgumentList.Add(valuesFile);

        // The suite itself runs under each setting in CI: the child gets exactly the one asked for, not the parent's.
        foreach (var (_, variable) in Settings)
        {
            if (variable is not null)
            {
                start.Environment.Remove(variable);
            }
        }

        if (disabled is not null)
        {
            start.Environment[disabled] = "0";
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"the probe failed under {disabled ?? "the default"}: {stderr}");
        try
        {
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var hashes = lines.Skip(1).Select(static line => line.Split(' ')).ToDictionary(static p => p[0], static p => p[1]);
            var values = new Dictionary<string, double[]>();
            using (var reader = new BinaryReader(File.OpenRead(valuesFile)))
            {
                var count = reader.ReadInt32();
                for (var c = 0; c < count; c++)
                {
                    var name = reader.ReadString();
                    var data = new double[reader.ReadInt32()];
                    for (var i = 0; i < data.Length; i++)
                    {
                        data[i] = reader.ReadDouble();
                    }

                    values[name] = data;
                }
            }

            return new ProbeRun(lines[0], hashes, values);
        }
        finally
        {
            File.Delete(valuesFile);
        }
    }

    // The probe is built beside this project (a build-order reference) in the same configuration.
    private static string ProbePath()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "Simd.DeterminismProbe", "bin", configuration, framework, "Simd.DeterminismProbe.dll");
        Assert.True(File.Exists(path), $"the determinism probe is not built at {path}");
        return path;
    }

    private sealed record ProbeRun(string Accelerated, Dictionary<string, string> Hashes, Dictionary<string, double[]> Values);
}
