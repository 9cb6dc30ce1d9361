using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>LSTM cells with <c>ProjectionSize</c> (PyTorch's <c>proj_size</c>): generated code compiles, is bounded and is kept as a baseline.</summary>
public sealed class ProjectionGeneratorTests
{
    private static string Source(int inputSize, int hiddenSize, int projectionSize, string element = "float", string extra = "") =>
        $$"""
        using Simd;

        namespace Sample;

        [LstmCell({{inputSize}}, {{hiddenSize}}, ProjectionSize = {{projectionSize}}{{(element == "float" ? string.Empty : $", ElementType = typeof({element})")}}{{extra}})]
        public partial class Cell
        {
        }
        """;

    [Theory]
    [InlineData(3, 5, 2, "float", "")]
    [InlineData(3, 5, 2, "double", "")]
    [InlineData(1, 2, 1, "float", "")]
    [InlineData(17, 31, 9, "float", "")]
    [InlineData(33, 65, 17, "double", "")]
    [InlineData(128, 256, 100, "float", "")]
    [InlineData(17, 31, 9, "float", ", InferenceWeights = WeightFormat.BFloat16")]
    public void Projected_cell_compiles_without_warnings_and_carries_its_sizes(int inputSize, int hiddenSize, int projectionSize, string element, string extra)
    {
        var run = GeneratorHarness.Run(Source(inputSize, hiddenSize, projectionSize, element, extra));

        Assert.True(run.DriverDiagnostics.IsEmpty, GeneratorHarness.Describe(run.DriverDiagnostics));
        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Input.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.True(run.OutputProblems.Count == 0, GeneratorHarness.Describe(run.OutputProblems.Take(20)));

        var cell = run.Output.GetTypeByMetadataName("Sample.Cell");
        Assert.NotNull(cell);
        var elementType = run.Output.GetSpecialType(element == "double" ? SpecialType.System_Double : SpecialType.System_Single);
        var projected = run.Output.GetTypeByMetadataName("Simd.IProjectedLstmCell`1")!.Construct(elementType);
        Assert.Contains(cell!.AllInterfaces, i => SymbolEqualityComparer.Default.Equals(i, projected));

        Assert.Equal(inputSize, ConstantOf(cell, "InputSize"));
        Assert.Equal(hiddenSize, ConstantOf(cell, "HiddenSize"));
        Assert.Equal(projectionSize, ConstantOf(cell, "ProjectionSize"));
        Assert.Equal(projectionSize, ConstantOf(cell, "OutputSize"));

        // PyTorch's count for nn.LSTM(I, H, proj_size=P): [4H, I] + [4H, P] + 2·[4H] + [P, H].
        Assert.Equal((4 * hiddenSize * (inputSize + projectionSize)) + (8 * hiddenSize) + (projectionSize * hiddenSize), ConstantOf(cell, "ParameterCount"));
    }

    [Fact]
    public void Projected_cell_matches_baseline()
    {
        const string baselineName = "Lstm3x5p2Float.g.cs.txt";
        var run = GeneratorHarness.Run(Source(3, 5, 2));
        Assert.Empty(run.DriverDiagnostics);
        var actual = run.SingleSourceText;

        if (Environment.GetEnvironmentVariable("SIMD_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(Path.Combine(BaselineTests.FindRepositoryRoot(), "tests", "Simd.Generator.Tests", "Baselines", baselineName), actual);
            return;
        }

        var baselinePath = Path.Combine(AppContext.BaseDirectory, "Baselines", baselineName);
        Assert.True(File.Exists(baselinePath), $"Missing baseline {baselinePath}; run the tests with SIMD_UPDATE_BASELINES=1 to create it.");
        var expected = File.ReadAllText(baselinePath).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(expected == actual, $"Generated source differs from {baselineName}: {BaselineTests.FirstDifference(expected, actual)}");
    }

    /// <summary>The projection adds tile kernels over P; a large projected cell's methods stay as short as the plain cell's (see <see cref="OptimizableSizeTests"/>).</summary>
    [Theory]
    [InlineData("float")]
    [InlineData("double")]
    public void Large_projected_cell_methods_stay_under_the_line_limit(string element)
    {
        var run = GeneratorHarness.Run(Source(1000, 4096, 1023, element));
        Assert.Empty(run.DriverDiagnostics);
        var tree = CSharpSyntaxTree.ParseText(run.SingleSourceText, GeneratorHarness.ParseOptions);
        var longest = OptimizableSizeTests.MethodBodies(tree.GetRoot()).MaxBy(static b => b.Lines);
        Assert.True(
            longest.Lines <= OptimizableSizeTests.MaxMethodLines,
            $"{longest.Name} has {longest.Lines} lines; the limit is {OptimizableSizeTests.MaxMethodLines}");
    }

    private static object? ConstantOf(INamedTypeSymbol type, string name)
    {
        var field = Assert.IsAssignableFrom<IFieldSymbol>(Assert.Single(type.GetMembers(name)));
        Assert.True(field.IsConst);
        return field.ConstantValue;
    }
}
