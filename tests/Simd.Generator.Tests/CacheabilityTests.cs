using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Simd.Generators;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>
/// The pipeline is incremental: an edit that does not touch a cell declaration reuses every tracked step, and the
/// models flowing through the steps hold only values (no symbols, syntax, compilations or locations).
/// </summary>
public sealed class CacheabilityTests
{
    private static readonly string[] TrackedSteps = { CellGenerator.ParseStep, CellGenerator.SpecStep, CellGenerator.DiagnosticStep };

    // One valid and one invalid cell, so that every tracked step (including Diagnostics) has outputs.
    private const string GoodCell = "namespace Sample;\n[Simd.LstmCell(3, 5)] public partial class Good { }\n";
    private const string BadCell = "namespace Sample;\n[Simd.LstmCell(3, 5)] public class Bad { }\n";
    private const string Unrelated = "namespace Sample;\npublic static class Helper { public static int Twice(int x) => 2 * x; }\n";

    [Fact]
    public void Adding_an_unrelated_file_reuses_every_step()
    {
        var (driver, compilation) = FirstRun();

        var second = driver.RunGenerators(compilation.AddSyntaxTrees(GeneratorHarness.Parse("public class Unrelated2 { }", "Unrelated2.cs")));

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void Editing_an_unrelated_file_reuses_every_step()
    {
        var (driver, compilation) = FirstRun();
        var old = compilation.SyntaxTrees.Single(static t => t.FilePath == "Helper.cs");
        var edited = compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(Unrelated.Replace("2 * x", "x + x + 0", StringComparison.Ordinal), "Helper.cs"));

        var second = driver.RunGenerators(edited);

        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void Editing_a_cell_file_below_the_cell_reparses_but_changes_nothing()
    {
        var (driver, compilation) = FirstRun();
        var old = compilation.SyntaxTrees.Single(static t => t.FilePath == "Good.cs");
        var edited = compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(GoodCell + "public class After { public int Value => 42; }\n", "Good.cs"));

        var second = driver.RunGenerators(edited);

        // The edited file's cell is parsed again; its model compares equal, so nothing downstream reruns.
        var parse = second.GetRunResult().Results.Single().TrackedSteps[CellGenerator.ParseStep];
        Assert.Contains(parse.SelectMany(static s => s.Outputs), static o => o.Reason == IncrementalStepRunReason.Unchanged);
        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void Changing_a_size_is_seen_as_a_modification()
    {
        // Guards the other tests against passing vacuously: a real change must show up as Modified.
        var (driver, compilation) = FirstRun();
        var old = compilation.SyntaxTrees.Single(static t => t.FilePath == "Good.cs");
        var edited = compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(GoodCell.Replace("(3, 5)", "(3, 6)", StringComparison.Ordinal), "Good.cs"));

        var second = driver.RunGenerators(edited);

        var result = second.GetRunResult().Results.Single();
        var specs = result.TrackedSteps[CellGenerator.SpecStep].SelectMany(static s => s.Outputs).ToList();
        Assert.Contains(specs, static o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int HiddenSize = 6;", result.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_compilations_or_locations()
    {
        var (driver, _) = FirstRun();
        var result = driver.GetRunResult().Results.Single();
        var seenTypes = new HashSet<Type>();

        foreach (var stepName in TrackedSteps)
        {
            foreach (var step in result.TrackedSteps[stepName])
            {
                foreach (var (value, _) in step.Outputs)
                {
                    Walk(value, stepName, new HashSet<object>(ReferenceEqualityComparer.Instance), seenTypes);
                }
            }
        }

        // The walk really went through the models (it would pass trivially over nothing).
        var names = seenTypes.Select(static t => t.Name).ToHashSet();
        Assert.Contains("ParseResult`1", names);
        Assert.Contains("CellSpec", names);
        Assert.Contains("DiagnosticInfo", names);
        Assert.Contains("LocationInfo", names);
    }

    private static (GeneratorDriver Driver, Compilation Compilation) FirstRun()
    {
        var compilation = GeneratorHarness.CreateCompilation(
            GeneratorHarness.Parse(GoodCell, "Good.cs"),
            GeneratorHarness.Parse(BadCell, "Bad.cs"),
            GeneratorHarness.Parse(Unrelated, "Helper.cs"));
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);

        var result = driver.GetRunResult().Results.Single();
        Assert.Equal("Sample.Good.g.cs", Assert.Single(result.GeneratedSources).HintName);
        Assert.Equal("SIMD0002", Assert.Single(result.Diagnostics).Id);
        foreach (var step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step '{step}' is not tracked");
            Assert.NotEmpty(result.TrackedSteps[step].SelectMany(static s => s.Outputs));
        }

        return (driver, compilation);
    }

    private static void AssertAllCachedOrUnchanged(GeneratorDriver driver)
    {
        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        foreach (var stepName in TrackedSteps)
        {
            var outputs = result.TrackedSteps[stepName].SelectMany(static s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"step '{stepName}' output {o.Value} is {o.Reason}"));
        }

        // The source and diagnostic outputs are not redone either.
        var sinks = result.TrackedOutputSteps.SelectMany(static kv => kv.Value).SelectMany(static s => s.Outputs).ToList();
        Assert.NotEmpty(sinks);
        Assert.All(sinks, o => Assert.True(
            o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"output {o.Value} is {o.Reason}"));

        Assert.Equal("Sample.Good.g.cs", Assert.Single(result.GeneratedSources).HintName);
        Assert.Equal("SIMD0002", Assert.Single(result.Diagnostics).Id);
    }

    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxNode), typeof(SyntaxTree),
        typeof(Location), typeof(AttributeData), typeof(Diagnostic),
    };

    /// <summary>Walks a model's public and non-public instance properties and fields, recursing into model types and sequences.</summary>
    private static void Walk(object? value, string path, HashSet<object> visited, HashSet<Type> seenTypes)
    {
        if (value is null)
        {
            return;
        }

        var type = value.GetType();
        Assert.False(
            Forbidden.Any(f => f.IsAssignableFrom(type)),
            $"{path} holds a {type.FullName}, which keeps the compilation alive and defeats caching");
        if (type.IsPrimitive || type.IsEnum || value is string || value is decimal)
        {
            return;
        }

        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }

        seenTypes.Add(type);
        if (value is IEnumerable sequence)
        {
            var i = 0;
            foreach (var item in sequence)
            {
                Walk(item, $"{path}[{i++}]", visited, seenTypes);
            }
        }

        // Only recurse into the generator's own models and Roslyn's plain text-position structs.
        var ns = type.Namespace ?? string.Empty;
        if (!ns.StartsWith("Simd.Generators", StringComparison.Ordinal) && !ns.StartsWith("Microsoft.CodeAnalysis.Text", StringComparison.Ordinal)
            && !(type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple", StringComparison.Ordinal)))
        {
            Assert.True(
                ns.StartsWith("System", StringComparison.Ordinal),
                $"{path} holds a {type.FullName}, which is neither a model type nor a plain value");
            return;
        }

        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var field in type.GetFields(Instance))
        {
            Assert.False(
                Forbidden.Any(f => f.IsAssignableFrom(field.FieldType)),
                $"{type.Name}.{field.Name} is declared as {field.FieldType.FullName}");
            Walk(field.GetValue(value), $"{path}.{field.Name}", visited, seenTypes);
        }

        foreach (var property in type.GetProperties(Instance).Where(static p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null))
        {
            Assert.False(
                Forbidden.Any(f => f.IsAssignableFrom(property.PropertyType)),
                $"{type.Name}.{property.Name} is declared as {property.PropertyType.FullName}");
            Walk(property.GetValue(value), $"{path}.{property.Name}", visited, seenTypes);
        }
    }
}
