using System;
using System.IO;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>
/// The generated text for two small shapes is kept as checked-in baselines, so every change to the emitted code
/// shows up in review. Set <c>SIMD_UPDATE_BASELINES=1</c> to rewrite them in the source folder instead of comparing.
/// </summary>
public sealed class BaselineTests
{
    private const string UpdateVariable = "SIMD_UPDATE_BASELINES";

    [Theory]
    [InlineData(3, 5, "float", "Lstm3x5Float.g.cs.txt")]
    [InlineData(2, 3, "double", "Lstm2x3Double.g.cs.txt")]
    public void Generated_source_matches_baseline(int inputSize, int hiddenSize, string element, string baselineName)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Cell(inputSize, hiddenSize, element));
        Assert.Empty(run.DriverDiagnostics);
        Assert.Equal("Sample.Cell.g.cs", Assert.Single(run.Sources).HintName);
        var actual = run.SingleSourceText;

        AssertMatchesBaseline(actual, baselineName);
    }

    /// <summary>
    /// Compares generated text with the checked-in baseline <paramref name="baselineName"/>, or rewrites the baseline
    /// when <c>SIMD_UPDATE_BASELINES=1</c> (review the diff before committing it).
    /// </summary>
    internal static void AssertMatchesBaseline(string actual, string baselineName)
    {
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(Path.Combine(FindRepositoryRoot(), "tests", "Simd.Generator.Tests", "Baselines", baselineName), actual);
            return;
        }

        var baselinePath = Path.Combine(AppContext.BaseDirectory, "Baselines", baselineName);
        Assert.True(File.Exists(baselinePath), $"Missing baseline {baselinePath}; run the tests with {UpdateVariable}=1 to create it.");
        var expected = File.ReadAllText(baselinePath).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            Assert.Fail($"Generated source differs from {baselineName}: {FirstDifference(expected, actual)}\n"
                + $"If the change is intended, run the tests with {UpdateVariable}=1 and review the baseline diff.");
        }
    }

    internal static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Min(expectedLines.Length, actualLines.Length); i++)
        {
            if (expectedLines[i] != actualLines[i])
            {
                return $"line {i + 1}\n  expected: {expectedLines[i]}\n  actual:   {actualLines[i]}";
            }
        }

        return $"expected {expectedLines.Length} lines, got {actualLines.Length}";
    }

    /// <summary>Walks up from the test's output folder to the folder holding Simd.sln.</summary>
    internal static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Simd.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Simd.sln not found above " + AppContext.BaseDirectory);
    }
}
