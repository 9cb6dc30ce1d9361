using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>Every unsupported declaration gets its own diagnostic, pointing into the user's file, and no generated code.</summary>
public sealed class DiagnosticTests
{
    public static TheoryData<string, string, string, string, string[]> BadDeclarations() => new()
    {
        // name, source, expected id, text the location must cover, fragments the message must contain
        {
            "input size zero",
            "namespace Sample;\n[Simd.LstmCell(0, 4)] public partial class Cell { }",
            "SIMD0001", "Simd.LstmCell(0, 4)",
            new[] { "'inputSize'", "'Cell'", " is 0", "at least 1" }
        },
        {
            "hidden size negative",
            "namespace Sample;\n[Simd.LstmCell(4, -3)] public partial class Cell { }",
            "SIMD0001", "Simd.LstmCell(4, -3)",
            new[] { "'hiddenSize'", "'Cell'", " is -3", "at least 1" }
        },
        {
            "not partial",
            "namespace Sample;\n[Simd.LstmCell(3, 5)] public class Cell { }",
            "SIMD0002", "Cell",
            new[] { "'Cell'", "'partial'", "every type that contains it" }
        },
        {
            "containing type not partial",
            "namespace Sample;\npublic class Outer { [Simd.LstmCell(3, 5)] public partial class Cell { } }",
            "SIMD0002", "Cell",
            new[] { "'Cell'", "'partial'", "every type that contains it" }
        },
        {
            "generic",
            "namespace Sample;\n[Simd.LstmCell(3, 5)] public partial class Cell<T> { }",
            "SIMD0003", "Cell",
            new[] { "'Cell'", "generic", "non-generic class" }
        },
        {
            "nested in a generic type",
            "namespace Sample;\npublic partial class Outer<T> { [Simd.LstmCell(3, 5)] public partial class Cell { } }",
            "SIMD0003", "Cell",
            new[] { "'Cell'", "generic", "non-generic class" }
        },
        {
            "bfloat16 inference weights on a double cell",
            "namespace Sample;\n[Simd.LstmCell(3, 5, ElementType = typeof(double), InferenceWeights = Simd.WeightFormat.BFloat16)] public partial class Cell { }",
            "SIMD0008", "Simd.LstmCell(3, 5, ElementType = typeof(double), InferenceWeights = Simd.WeightFormat.BFloat16)",
            new[] { "'Cell'", "BFloat16", "typeof(float)" }
        },
        {
            "int element type",
            "namespace Sample;\n[Simd.LstmCell(3, 5, ElementType = typeof(int))] public partial class Cell { }",
            "SIMD0004", "Simd.LstmCell(3, 5, ElementType = typeof(int))",
            new[] { "'int'", "'Cell'", "typeof(float) or typeof(double)" }
        },
        {
            // 4·4000·(200000 + 4000) + 8·4000 = 3,264,032,000 > Array.MaxLength = 2,147,483,591.
            // ([LstmCell(100000, 4000)] needs 1,664,032,000 parameters, which fits, so it is not an error.)
            "too many parameters",
            "namespace Sample;\n[Simd.LstmCell(200000, 4000)] public partial class Cell { }",
            "SIMD0005", "Simd.LstmCell(200000, 4000)",
            new[] { "'Cell'", "3264032000 parameters", "2147483591", "smaller sizes" }
        },
        {
            "hidden size too large",
            "namespace Sample;\n[Simd.LstmCell(3, 5000)] public partial class Cell { }",
            "SIMD0006", "Simd.LstmCell(3, 5000)",
            new[] { "5000", "'Cell'", "at most 4096" }
        },
        {
            "static class",
            "namespace Sample;\n[Simd.LstmCell(3, 5)] public static partial class Cell { }",
            "SIMD0007", "Cell",
            new[] { "'Cell'", "static class", "non-static, non-record partial class" }
        },
    };

    [Theory]
    [MemberData(nameof(BadDeclarations))]
    public void Bad_declaration_reports_its_diagnostic_and_generates_nothing(
        string name, string source, string id, string locatedText, string[] messageFragments)
    {
        var run = GeneratorHarness.Run(source);

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Sources);
        var diagnostic = Assert.Single(run.DriverDiagnostics);
        Assert.True(id == diagnostic.Id, $"{name}: expected {id}, got {diagnostic}");
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Simd.Generator", diagnostic.Descriptor.Category);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var fragment in messageFragments)
        {
            Assert.Contains(fragment, message, StringComparison.Ordinal);
        }

        AssertPointsInto(source, diagnostic.Location, locatedText);
    }

    [Fact]
    public void Both_sizes_bad_reports_two_size_diagnostics()
    {
        const string source = "namespace Sample;\n[Simd.LstmCell(0, -3)] public partial class Cell { }";
        var run = GeneratorHarness.Run(source);

        Assert.Empty(run.Sources);
        Assert.Equal(new[] { "SIMD0001", "SIMD0001" }, run.DriverDiagnostics.Select(static d => d.Id));
        var messages = run.DriverDiagnostics.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Contains(messages, static m => m.StartsWith("'inputSize' of [LstmCell] on 'Cell' is 0;", StringComparison.Ordinal));
        Assert.Contains(messages, static m => m.StartsWith("'hiddenSize' of [LstmCell] on 'Cell' is -3;", StringComparison.Ordinal));
        Assert.All(run.DriverDiagnostics, d => AssertPointsInto(source, d.Location, "Simd.LstmCell(0, -3)"));
    }

    [Fact]
    public void Too_many_parameters_is_checked_before_the_hidden_size_limit()
    {
        // Hidden 5000 alone would be SIMD0006; with 200000 inputs the parameter count wins and SIMD0006 is not repeated.
        var run = GeneratorHarness.Run("namespace Sample;\n[Simd.LstmCell(200000, 5000)] public partial class Cell { }");

        Assert.Empty(run.Sources);
        var diagnostic = Assert.Single(run.DriverDiagnostics);
        Assert.Equal("SIMD0005", diagnostic.Id);
        Assert.Contains("4100040000 parameters", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Largest_allowed_shapes_are_not_diagnosed()
    {
        // Hidden 4096 is the limit itself; (100000, 4000) needs 1,664,032,000 parameters, under Array.MaxLength.
        foreach (var (input, hidden) in new[] { (1, 4096), (100000, 4000) })
        {
            var run = GeneratorHarness.Run(GeneratorHarness.Cell(input, hidden));
            Assert.Empty(run.DriverDiagnostics);
            Assert.Equal("Sample.Cell.g.cs", Assert.Single(run.Sources).HintName);
        }
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        const string source = "namespace Sample;\n[Simd.LstmCell(0, 5, ElementType = typeof(long))] public static class Cell<T> { }";
        var run = GeneratorHarness.Run(source);

        Assert.Empty(run.Sources);
        Assert.Equal(
            new[] { "SIMD0001", "SIMD0002", "SIMD0003", "SIMD0004", "SIMD0007" },
            run.DriverDiagnostics.Select(static d => d.Id).OrderBy(static i => i, StringComparer.Ordinal));
    }

    [Fact]
    public void A_bad_cell_does_not_stop_a_good_one_in_the_same_compilation()
    {
        const string source = """
            namespace Sample;
            [Simd.LstmCell(3, 5)] public partial class Good { }
            [Simd.LstmCell(3, 5)] public class Bad { }
            """;
        var run = GeneratorHarness.Run(source);

        Assert.Equal("SIMD0002", Assert.Single(run.DriverDiagnostics).Id);
        Assert.Contains("'Bad'", run.DriverDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal("Sample.Good.g.cs", Assert.Single(run.Sources).HintName);
    }

    /// <summary>
    /// A record class is a class too (AttributeTargets.Class lets the attribute on it), and the parser has a
    /// SIMD0007 "record" branch for it, so it must be diagnosed rather than silently ignored (the syntax predicate
    /// therefore accepts RecordDeclarationSyntax as well as ClassDeclarationSyntax).
    /// </summary>
    [Theory]
    [InlineData("public partial record Cell;")]
    [InlineData("public partial record class Cell(int Id);")]
    public void Record_class_reports_SIMD0007(string declaration)
    {
        var source = "namespace Sample;\n[Simd.LstmCell(3, 5)] " + declaration;
        var run = GeneratorHarness.Run(source);

        Assert.Empty(run.Sources);
        var diagnostic = Assert.Single(run.DriverDiagnostics);
        Assert.Equal("SIMD0007", diagnostic.Id);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("'Cell' is a record", message, StringComparison.Ordinal);
        Assert.Contains("non-static, non-record partial class", message, StringComparison.Ordinal);
        AssertPointsInto(source, diagnostic.Location, "Cell");
    }

    /// <summary>The diagnostic has a real location in the user's file covering <paramref name="expectedText"/>.</summary>
    private static void AssertPointsInto(string source, Location location, string expectedText)
    {
        Assert.NotEqual(Location.None, location);
        Assert.NotEqual(LocationKind.None, location.Kind);
        var lineSpan = location.GetLineSpan();
        Assert.Equal(GeneratorHarness.UserFile, lineSpan.Path);
        Assert.Equal(expectedText, source.Substring(location.SourceSpan.Start, location.SourceSpan.Length));

        // The line/column span agrees with the character span (line 2 of every snippet here, 0-based line 1).
        var lines = source.Split('\n');
        var start = lineSpan.StartLinePosition;
        Assert.Equal(expectedText, lines[start.Line].Substring(start.Character, expectedText.Length));
    }
}
