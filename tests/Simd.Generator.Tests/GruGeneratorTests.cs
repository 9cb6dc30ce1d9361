using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Simd.Generators;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>
/// The <c>[GruCell]</c> pipeline: valid declarations of both variants compile warning-free into
/// <c>IHiddenStateCell&lt;T&gt;</c> implementations, bad ones are diagnosed, the output is cached, a small shape is
/// kept as a baseline, and methods stay within the JIT's optimization limits (same limits as the LSTM's).
/// </summary>
public sealed class GruGeneratorTests
{
    /// <summary>Same stated limits as <see cref="OptimizableSizeTests"/>, for the same reasons.</summary>
    private const int MaxMethodLines = 400;

    private static string Cell(int inputSize, int hiddenSize, string element = "float", bool resetBefore = false, string name = "Cell") =>
        $"namespace Sample;\n[Simd.GruCell({inputSize}, {hiddenSize}"
        + (resetBefore ? ", Reset = Simd.GruReset.BeforeRecurrentProduct" : string.Empty)
        + (element == "float" ? string.Empty : $", ElementType = typeof({element})")
        + $")] public partial class {name} {{ }}\n";

    public static TheoryData<string, int, int, bool> Shapes() => new()
    {
        { "float", 1, 1, false },
        { "float", 3, 5, true },
        { "float", 17, 31, false },
        { "float", 17, 31, true },
        { "double", 17, 31, false },
        { "double", 9, 42, true },
        { "float", 100, 3, false },
        { "float", 128, 256, false },
        { "double", 128, 256, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Valid_declaration_generates_code_that_compiles_without_warnings(string element, int inputSize, int hiddenSize, bool resetBefore)
    {
        var run = GeneratorHarness.Run(Cell(inputSize, hiddenSize, element, resetBefore));

        Assert.True(run.DriverDiagnostics.IsEmpty, GeneratorHarness.Describe(run.DriverDiagnostics));
        Assert.Null(run.Result.Exception);
        Assert.Equal("Sample.Cell.g.cs", Assert.Single(run.Sources).HintName);
        Assert.True(run.OutputProblems.Count == 0, GeneratorHarness.Describe(run.OutputProblems.Take(20)));

        var cell = run.Output.GetTypeByMetadataName("Sample.Cell")!;
        var elementType = run.Output.GetSpecialType(element == "double" ? SpecialType.System_Double : SpecialType.System_Single);
        var hiddenStateCell = run.Output.GetTypeByMetadataName("Simd.IHiddenStateCell`1")!.Construct(elementType);
        Assert.Contains(cell.AllInterfaces, i => SymbolEqualityComparer.Default.Equals(i, hiddenStateCell));
        Assert.DoesNotContain(cell.AllInterfaces, static i => i.Name == "ILstmCell");

        Assert.Equal(inputSize, ConstantOf(cell, "InputSize"));
        Assert.Equal(hiddenSize, ConstantOf(cell, "HiddenSize"));
        Assert.Equal((3 * hiddenSize * (inputSize + hiddenSize)) + (6 * hiddenSize), ConstantOf(cell, "ParameterCount"));
        Assert.Equal(resetBefore, ConstantOf(cell, "ResetBeforeRecurrentProduct"));
    }

    [Fact]
    public void The_default_variant_is_reset_after_and_the_two_variants_differ()
    {
        var implicitAfter = GeneratorHarness.Run(Cell(4, 8)).SingleSourceText;
        var explicitAfter = GeneratorHarness.Run(Cell(4, 8).Replace("(4, 8)", "(4, 8, Reset = Simd.GruReset.AfterRecurrentProduct)", StringComparison.Ordinal)).SingleSourceText;
        var before = GeneratorHarness.Run(Cell(4, 8, resetBefore: true)).SingleSourceText;

        Assert.Equal(implicitAfter, explicitAfter);
        Assert.NotEqual(implicitAfter, before);
        Assert.Contains("\"Gru:4x8:float\"", implicitAfter, StringComparison.Ordinal);
        Assert.Contains("\"Gru:4x8:float:reset-before\"", before, StringComparison.Ordinal);
    }

    [Fact]
    public void Gru_and_lstm_cells_in_one_compilation_compile_together()
    {
        var source = Cell(2, 3, name: "Gate") + "[Simd.LstmCell(2, 3)] public partial class Memory { }\n" + "[Simd.GruCell(5, 7, Reset = Simd.GruReset.BeforeRecurrentProduct, ElementType = typeof(double))] public partial class Paper { }\n";
        var run = GeneratorHarness.Run(source);

        Assert.Empty(run.DriverDiagnostics);
        Assert.Equal(new[] { "Sample.Gate.g.cs", "Sample.Memory.g.cs", "Sample.Paper.g.cs" }, run.Sources.Select(static s => s.HintName).OrderBy(static h => h, StringComparer.Ordinal));
        Assert.True(run.OutputProblems.Count == 0, GeneratorHarness.Describe(run.OutputProblems.Take(20)));
    }

    [Theory]
    [InlineData("namespace Sample;\n[Simd.GruCell(0, 4)] public partial class Cell { }", "SIMD0001")]
    [InlineData("namespace Sample;\n[Simd.GruCell(3, 5)] public class Cell { }", "SIMD0002")]
    [InlineData("namespace Sample;\n[Simd.GruCell(3, 5, ElementType = typeof(int))] public partial class Cell { }", "SIMD0004")]
    public void Bad_declarations_are_diagnosed_and_generate_nothing(string source, string id)
    {
        var run = GeneratorHarness.Run(source);

        Assert.Equal(id, Assert.Single(run.DriverDiagnostics).Id);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void Editing_an_unrelated_file_reuses_every_step_and_changing_the_variant_is_a_modification()
    {
        var cellTree = GeneratorHarness.Parse(Cell(3, 5), "Good.cs");
        var compilation = GeneratorHarness.CreateCompilation(cellTree, GeneratorHarness.Parse("public class Unrelated { }", "Unrelated.cs"));
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var second = driver.RunGenerators(compilation.AddSyntaxTrees(GeneratorHarness.Parse("public class Unrelated2 { }", "Unrelated2.cs"))).GetRunResult().Results.Single();
        foreach (var step in new[] { CellGenerator.ParseStep, CellGenerator.SpecStep })
        {
            var outputs = second.TrackedSteps[step].SelectMany(static s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }

        var edited = compilation.ReplaceSyntaxTree(cellTree, GeneratorHarness.Parse(Cell(3, 5, resetBefore: true), "Good.cs"));
        var third = driver.RunGenerators(edited).GetRunResult().Results.Single();
        Assert.Contains(third.TrackedSteps[CellGenerator.SpecStep].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("ResetBeforeRecurrentProduct = true", third.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 5, "float", false, "Gru3x5Float.g.cs.txt")]
    [InlineData(2, 3, "double", true, "GruResetBefore2x3Double.g.cs.txt")]
    public void Generated_source_matches_baseline(int inputSize, int hiddenSize, string element, bool resetBefore, string baselineName)
    {
        var run = GeneratorHarness.Run(Cell(inputSize, hiddenSize, element, resetBefore));
        Assert.Empty(run.DriverDiagnostics);
        var actual = run.SingleSourceText;

        BaselineTests.AssertMatchesBaseline(actual, baselineName);
    }

    [Theory]
    [InlineData("float", false)]
    [InlineData("double", true)]
    public void Generated_text_grows_sub_linearly_and_no_method_body_is_longer_than_the_limit(string element, bool resetBefore)
    {
        // (1000, 4096) has about 3,400 times the parameters of (32, 64); its text must be less than 3 times as long.
        var small = GeneratorHarness.Run(Cell(32, 64, element, resetBefore)).SingleSourceText;
        var large = GeneratorHarness.Run(Cell(1000, 4096, element, resetBefore)).SingleSourceText;
        Assert.True(large.Length < 3 * small.Length, $"(1000, 4096): {large.Length} chars vs (32, 64): {small.Length} chars");

        var bodies = MethodBodies(CSharpSyntaxTree.ParseText(large, GeneratorHarness.ParseOptions).GetRoot()).ToList();
        Assert.True(bodies.Count > 50, $"only {bodies.Count} method bodies found");
        var longest = bodies.MaxBy(static b => b.Lines);
        Assert.True(longest.Lines <= MaxMethodLines, $"{longest.Name} has {longest.Lines} lines; the limit is {MaxMethodLines}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Compiled_methods_stay_under_the_jit_minopts_thresholds(bool resetBefore)
    {
        var run = GeneratorHarness.Run(Cell(1000, 4096, resetBefore: resetBefore));
        Assert.Empty(run.DriverDiagnostics);
        OptimizableSizeTests.AssertCompiledMethodsWithinLimits(run, minimumMethods: 50);
    }

    private static object? ConstantOf(INamedTypeSymbol type, string name)
    {
        var field = Assert.IsAssignableFrom<IFieldSymbol>(Assert.Single(type.GetMembers(name)));
        Assert.True(field.IsConst);
        return field.ConstantValue;
    }

    private static IEnumerable<(string Name, int Lines)> MethodBodies(SyntaxNode root)
    {
        foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            SyntaxNode? body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
            if (body is not null)
            {
                var span = body.GetLocation().GetLineSpan();
                yield return (method.Identifier.ValueText, span.EndLinePosition.Line - span.StartLinePosition.Line + 1);
            }
        }
    }
}
