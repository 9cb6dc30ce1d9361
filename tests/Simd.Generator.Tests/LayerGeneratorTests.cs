using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Simd.Generators;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>
/// The [Dense] and [Embedding] attributes' output: every activation and element type compiles warning-free and
/// implements its interface with the declared sizes; bad arguments are diagnosed with an existing id and generate
/// nothing; the pipeline stays cacheable; one small shape per attribute matches a baseline.
/// </summary>
public sealed class LayerGeneratorTests
{
    private static string Declare(string attribute, string type = "public partial class Layer") =>
        $"using Simd;\n\nnamespace Sample;\n\n[{attribute}]\n{type}\n{{\n}}\n";

    [Theory]
    [InlineData("Dense(7, 5)", "IDenseLayer", "float", (5 * 7) + 5)]
    [InlineData("Dense(3, 17, Activation = DenseActivation.Tanh, ElementType = typeof(double))", "IDenseLayer", "double", (17 * 3) + 17)]
    [InlineData("Dense(1, 1, Activation = DenseActivation.Sigmoid)", "IDenseLayer", "float", 2)]
    [InlineData("Dense(9, 23, Activation = DenseActivation.Relu)", "IDenseLayer", "float", (23 * 9) + 23)]
    [InlineData("Embedding(100, 16)", "IEmbeddingLayer", "float", 1600)]
    [InlineData("Embedding(6, 13, ElementType = typeof(double))", "IEmbeddingLayer", "double", 78)]
    public void Valid_declarations_compile_without_warnings_and_implement_their_interface(string attribute, string interfaceName, string element, int parameters)
    {
        var run = GeneratorHarness.Run(Declare(attribute));

        Assert.True(run.DriverDiagnostics.IsEmpty, GeneratorHarness.Describe(run.DriverDiagnostics));
        Assert.Null(run.Result.Exception);
        Assert.Equal("Sample.Layer.g.cs", Assert.Single(run.Sources).HintName);
        Assert.True(run.OutputProblems.Count == 0, GeneratorHarness.Describe(run.OutputProblems.Take(20)));
        var layer = run.Output.GetTypeByMetadataName("Sample.Layer")!;
        var elementType = run.Output.GetSpecialType(element == "double" ? SpecialType.System_Double : SpecialType.System_Single);
        var expected = run.Output.GetTypeByMetadataName($"Simd.{interfaceName}`1")!.Construct(elementType);
        Assert.Contains(layer.AllInterfaces, i => SymbolEqualityComparer.Default.Equals(i, expected));
        var count = layer.GetMembers("ParameterCount").OfType<IFieldSymbol>().Single();
        Assert.Equal(parameters, count.ConstantValue);
    }

    [Theory]
    [InlineData("Dense(0, 5)", "SIMD0001", "'inputs'")]
    [InlineData("Dense(5, -3)", "SIMD0001", "'outputs'")]
    [InlineData("Embedding(0, 4)", "SIMD0001", "'vocabulary'")]
    [InlineData("Embedding(10, 0)", "SIMD0001", "'dimension'")]
    [InlineData("Dense(4, 4, Activation = (DenseActivation)9)", "SIMD0009", "Activation")]
    [InlineData("Dense(4, 4, ElementType = typeof(int))", "SIMD0004", "int")]
    [InlineData("Embedding(4, 4, ElementType = typeof(decimal))", "SIMD0004", "decimal")]
    [InlineData("Embedding(1000000, 4096)", "SIMD0005", "4096000000")]
    [InlineData("Dense(65536, 65536)", "SIMD0005", "4295032832")]
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
    [InlineData("Dense(3, 4)", "public class Layer", "SIMD0002")]
    [InlineData("Embedding(3, 4)", "public partial record Layer", "SIMD0007")]
    [InlineData("Dense(3, 4)", "public partial class Layer<T>", "SIMD0003")]
    public void Bad_declarations_report_their_diagnostic(string attribute, string type, string id)
    {
        var run = GeneratorHarness.Run(Declare(attribute, type));

        Assert.Contains(run.DriverDiagnostics, d => d.Id == id);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void Editing_an_unrelated_file_reuses_every_step_and_changing_the_activation_is_a_modification()
    {
        var layerTree = GeneratorHarness.Parse(Declare("Dense(5, 3, Activation = DenseActivation.Tanh)"));
        var embeddingTree = GeneratorHarness.Parse(Declare("Embedding(10, 4)", "public partial class Table"), "Table.cs");
        var compilation = GeneratorHarness.CreateCompilation(layerTree, embeddingTree, GeneratorHarness.Parse("public class Unrelated { }", "Unrelated.cs"));
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var unrelated = compilation.SyntaxTrees.Single(static t => t.FilePath == "Unrelated.cs");

        var edited = compilation.ReplaceSyntaxTree(unrelated, GeneratorHarness.Parse("public class Unrelated { public int X => 1; }", "Unrelated.cs"));
        driver = driver.RunGenerators(edited);
        var second = driver.GetRunResult().Results.Single();
        var steps = second.TrackedSteps.Where(static s => s.Key is CellGenerator.ParseStep or CellGenerator.SpecStep).SelectMany(static s => s.Value).SelectMany(static s => s.Outputs).ToList();
        Assert.True(steps.Count >= 4, "both layers' parse and spec steps are tracked");
        Assert.All(steps, static o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        driver = driver.RunGenerators(edited.ReplaceSyntaxTree(layerTree, GeneratorHarness.Parse(Declare("Dense(5, 3, Activation = DenseActivation.Relu)"))));
        var third = driver.GetRunResult().Results.Single();
        Assert.Contains(third.TrackedSteps[CellGenerator.SpecStep].SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("LayerMath.Relu", third.GeneratedSources.Single(static s => s.HintName == "Sample.Layer.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Dense(3, 5, Activation = DenseActivation.Tanh)", "Dense3x5TanhFloat.g.cs.txt")]
    [InlineData("Embedding(7, 4, ElementType = typeof(double))", "Embedding7x4Double.g.cs.txt")]
    public void Generated_source_matches_baseline(string attribute, string baselineName)
    {
        var run = GeneratorHarness.Run(Declare(attribute));
        Assert.Empty(run.DriverDiagnostics);
        var actual = run.SingleSourceText;

        BaselineTests.AssertMatchesBaseline(actual, baselineName);
    }
}
