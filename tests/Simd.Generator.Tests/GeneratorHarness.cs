using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Simd.Generators;

namespace Simd.Generator.Tests;

/// <summary>Runs <see cref="CellGenerator"/> in-process over small source snippets with a plain <see cref="CSharpGeneratorDriver"/>.</summary>
internal static class GeneratorHarness
{
    /// <summary>Path given to the user's snippet, so diagnostics can be checked to point into it.</summary>
    public const string UserFile = "Cell.cs";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>Warnings are errors, as in the repository's own builds.</summary>
    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        generalDiagnosticOption: ReportDiagnostic.Error);

    private static readonly ImmutableArray<MetadataReference> References =
        Basic.Reference.Assemblies.Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(Simd.Tape<float>).Assembly.Location))
            .ToImmutableArray();

    public static SyntaxTree Parse(string source, string path = UserFile) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static CSharpCompilation CreateCompilation(params SyntaxTree[] trees) =>
        CSharpCompilation.Create("SnippetAssembly", trees, References, CompilationOptions);

    public static GeneratorDriver CreateDriver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new CellGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator once over <paramref name="source"/> (saved as <see cref="UserFile"/>).</summary>
    public static GeneratorOutcome Run(string source)
    {
        var input = CreateCompilation(Parse(source));
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var driverDiagnostics);
        var result = driver.GetRunResult().Results.Single();
        return new GeneratorOutcome(input, output, driverDiagnostics, result);
    }

    /// <summary>Builds the source of a cell declared as <c>namespace Sample; public partial class Cell</c>.</summary>
    public static string Cell(int inputSize, int hiddenSize, string elementType = "float") =>
        $$"""
        using Simd;

        namespace Sample;

        [LstmCell({{inputSize}}, {{hiddenSize}}{{(elementType == "float" ? string.Empty : $", ElementType = typeof({elementType})")}})]
        public partial class Cell
        {
        }
        """;

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(static d => d.ToString()));
}

/// <summary>What one generator run produced.</summary>
internal sealed record GeneratorOutcome(
    Compilation Input,
    Compilation Output,
    ImmutableArray<Diagnostic> DriverDiagnostics,
    GeneratorRunResult Result)
{
    public ImmutableArray<GeneratedSourceResult> Sources => Result.GeneratedSources;

    /// <summary>The single generated file's text, with line endings normalized to <c>\n</c>.</summary>
    public string SingleSourceText =>
        Sources.Single().SourceText.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>Warnings and errors of the compilation that includes the generated code.</summary>
    public IReadOnlyList<Diagnostic> OutputProblems =>
        Output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToList();
}
