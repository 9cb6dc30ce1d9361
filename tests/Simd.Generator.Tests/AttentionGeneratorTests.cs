using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Simd.Generators;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>
/// The attention attributes' output: every kind compiles warning-free for both element types and implements its
/// interface with the declared sizes; bad arguments are diagnosed with an id and generate nothing; the pipeline stays
/// cacheable; methods stay within the JIT's optimization limits; one small shape per interface matches a baseline.
/// </summary>
public sealed class AttentionGeneratorTests
{
    private static string Declare(string attribute, string type = "public partial class Cell") =>
        $"using Simd;\n\nnamespace Sample;\n\n[{attribute}]\n{type}\n{{\n}}\n";

    [Theory]
    [InlineData("AdditiveAttention(5, 7, 9)", "ISingleHeadAttention", "float", (9 * 5) + (9 * 7) + 9 + 9)]
    [InlineData("AdditiveAttention(1, 1, 1, ValueSize = 3, ElementType = typeof(double))", "ISingleHeadAttention", "double", 4)]
    [InlineData("LuongAttention(6, 6, Score = LuongScore.Dot)", "ISingleHeadAttention", "float", 0)]
    [InlineData("LuongAttention(5, 11)", "ISingleHeadAttention", "float", 55)]
    [InlineData("LuongAttention(6, 9, Score = LuongScore.Concat, AttentionSize = 10, ElementType = typeof(double))", "ISingleHeadAttention", "double", 60 + 90 + 10)]
    [InlineData("MultiHeadAttention(12, 4)", "IMultiHeadAttention", "float", (4 * 144) + 48)]
    [InlineData("MultiHeadAttention(7, 7, ElementType = typeof(double))", "IMultiHeadAttention", "double", (4 * 49) + 28)]
    public void Valid_declarations_compile_without_warnings_and_implement_their_interface(string attribute, string interfaceName, string element, int parameters)
    {
        var run = GeneratorHarness.Run(Declare(attribute));

        Assert.True(run.DriverDiagnostics.IsEmpty, GeneratorHarness.Describe(run.DriverDiagnostics));
        Assert.Null(run.Result.Exception);
        Assert.Equal("Sample.Cell.g.cs", Assert.Single(run.Sources).HintName);
        Assert.True(run.OutputProblems.Count == 0, GeneratorHarness.Describe(run.OutputProblems.Take(20)));
        var cell = run.Output.GetTypeByMetadataName("Sample.Cell")!;
        var elementType = run.Output.GetSpecialType(element == "double" ? SpecialType.System_Double : SpecialType.System_Single);
        var expected = run.Output.GetTypeByMetadataName($"Simd.{interfaceName}`1")!.Construct(elementType);
        Assert.Contains(cell.AllInterfaces, i => SymbolEqualityComparer.Default.Equals(i, expected));
        var count = cell.GetMembers("ParameterCount").OfType<IFieldSymbol>().Single();
        Assert.Equal(parameters, count.ConstantValue);
    }

    [Theory]
    [InlineData("AdditiveAttention(0, 7, 9)", "SIMD0001", "querySize")]
    [InlineData("AdditiveAttention(5, 7, -1)", "SIMD0001", "attentionSize")]
    [InlineData("MultiHeadAttention(12, 0)", "SIMD0001", "heads")]
    [InlineData("MultiHeadAttention(12, 5)", "SIMD0010", "divisor of modelSize 12")]
    [InlineData("MultiHeadAttention(4, 8)", "SIMD0010", "divisor of modelSize 4")]
    [InlineData("LuongAttention(5, 7, Score = LuongScore.Dot)", "SIMD0010", "the key size 7")]
    [InlineData("LuongAttention(5, 7, Score = LuongScore.Concat)", "SIMD0010", "AttentionSize")]
    [InlineData("LuongAttention(5, 7, AttentionSize = 3)", "SIMD0010", "only LuongScore.Concat")]
    [InlineData("AdditiveAttention(5, 7, 9, ValueSize = -2)", "SIMD0010", "ValueSize")]
    [InlineData("LuongAttention(5, 7, Score = (LuongScore)7)", "SIMD0009", "Score")]
    [InlineData("AdditiveAttention(5, 7, 9, ElementType = typeof(int))", "SIMD0004", "int")]
    [InlineData("MultiHeadAttention(30000, 2)", "SIMD0005", "3600120000")]
    public void Bad_arguments_report_their_diagnostic_and_generate_nothing(string attribute, string id, string fragment)
    {
        var run = GeneratorHarness.Run(Declare(attribute));

        var diagnostic = Assert.Single(run.DriverDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(fragment, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("public class Cell", "SIMD0002")]
    [InlineData("public partial record Cell", "SIMD0007")]
    [InlineData("public partial class Cell<T>", "SIMD0003")]
    public void Bad_declarations_report_their_diagnostic(string type, string id)
    {
        var run = GeneratorHarness.Run(Declare("MultiHeadAttention(8, 2)", type));

        Assert.Contains(run.DriverDiagnostics, d => d.Id == id);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void Editing_an_unrelated_file_reuses_every_step_and_changing_the_score_is_a_modification()
    {
        var cellTree = GeneratorHarness.Parse(Declare("LuongAttention(5, 5, Score = LuongScore.Dot)"));
        var compilation = GeneratorHarness.CreateCompilation(cellTree, GeneratorHarness.Parse("public class Unrelated { }", "Unrelated.cs"));
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var unrelated = compilation.SyntaxTrees.Single(static t => t.FilePath == "Unrelated.cs");

        var edited = compilation.ReplaceSyntaxTree(unrelated, GeneratorHarness.Parse("public class Unrelated { public int X => 1; }", "Unrelated.cs"));
        driver = driver.RunGenerators(edited);
        var second = driver.GetRunResult().Results.Single();
        var steps = second.TrackedSteps.Where(static s => s.Key is CellGenerator.ParseStep or CellGenerator.SpecStep).SelectMany(static s => s.Value).SelectMany(static s => s.Outputs).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, static o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        driver = driver.RunGenerators(edited.ReplaceSyntaxTree(cellTree, GeneratorHarness.Parse(Declare("LuongAttention(5, 5, Score = LuongScore.General)"))));
        var third = driver.GetRunResult().Results.Single();
        Assert.Contains(third.TrackedSteps[CellGenerator.SpecStep].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("General", third.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MultiHeadAttention(1024, 16)")]
    [InlineData("AdditiveAttention(2048, 2048, 2048, ElementType = typeof(double))")]
    [InlineData("LuongAttention(4096, 4096)")]
    public void Methods_of_large_cells_stay_under_the_jit_optimization_limits(string attribute)
    {
        var run = GeneratorHarness.Run(Declare(attribute));
        Assert.Empty(run.DriverDiagnostics);
        OptimizableSizeTests.AssertCompiledMethodsWithinLimits(run, minimumMethods: 10);
    }

    [Theory]
    [InlineData("AdditiveAttention(3, 4, 5)", "Additive3x4x5Float.g.cs.txt")]
    [InlineData("MultiHeadAttention(6, 2, ElementType = typeof(double))", "MultiHead6x2Double.g.cs.txt")]
    public void Generated_source_matches_baseline(string attribute, string baselineName)
    {
        var run = GeneratorHarness.Run(Declare(attribute));
        Assert.Empty(run.DriverDiagnostics);
        var actual = run.SingleSourceText;

        BaselineTests.AssertMatchesBaseline(actual, baselineName);
    }
}
