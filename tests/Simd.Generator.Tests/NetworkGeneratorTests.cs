using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>Layered networks (Layers, Bidirectional): generated code, nested layer cells and structure diagnostics.</summary>
public sealed class NetworkGeneratorTests
{
    [Theory]
    [InlineData("[Simd.LstmCell(3, 5, Layers = 2)]", 2, 1, 2)]
    [InlineData("[Simd.LstmCell(7, 13, Bidirectional = true)]", 1, 2, 1)]
    [InlineData("[Simd.LstmCell(5, 6, Layers = 3, Bidirectional = true, ElementType = typeof(double))]", 3, 2, 2)]
    public void Network_compiles_without_warnings_with_one_nested_cell_per_layer_input_size(string attribute, int layers, int directions, int nestedCells)
    {
        var run = GeneratorHarness.Run("namespace Sample;\n" + attribute + " public partial class Net { }");

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.DriverDiagnostics);
        Assert.True(run.OutputProblems.Count == 0, GeneratorHarness.Describe(run.OutputProblems.Take(20)));
        Assert.Equal(1 + nestedCells, run.Sources.Length);
        var net = run.Output.GetTypeByMetadataName("Sample.Net")!;
        Assert.Equal(layers, Constant(net, "Layers"));
        Assert.Equal(directions, Constant(net, "Directions"));
        Assert.Contains(net.AllInterfaces, static i => i.Name == "ILstmNetwork");
        var nested = net.GetTypeMembers().Where(static t => t.Name.StartsWith("SimdLayer", StringComparison.Ordinal)).ToList();
        Assert.Equal(nestedCells, nested.Count);
        Assert.All(nested, static t => Assert.Equal(Accessibility.Private, t.DeclaredAccessibility));

        // PyTorch's count: per layer and direction 4H·(input + H) + 8H.
        int i = (int)Constant(net, "InputSize")!, h = (int)Constant(net, "HiddenSize")!;
        var expected = 0;
        for (var l = 0; l < layers; l++)
        {
            expected += directions * ((4 * h * ((l == 0 ? i : directions * h) + h)) + (8 * h));
        }

        Assert.Equal(expected, Constant(net, "ParameterCount"));
    }

    [Theory]
    [InlineData("[Simd.LstmCell(3, 5, Layers = 0)]", "SIMD0010", "'Layers'")]
    [InlineData("[Simd.LstmCell(3, 5, Layers = 17)]", "SIMD0010", "from 1 to 16")]
    [InlineData("[Simd.LstmCell(3, 5, ProjectionSize = 5)]", "SIMD0010", "'ProjectionSize'")]
    [InlineData("[Simd.LstmCell(3, 5, ProjectionSize = -1)]", "SIMD0010", "hiddenSize − 1")]
    [InlineData("[Simd.LstmCell(3, 5, Layers = 2, InferenceWeights = Simd.WeightFormat.BFloat16)]", "SIMD0010", "single cells")]
    [InlineData("[Simd.RnnCell(3, 5, Nonlinearity = (Simd.RnnNonlinearity)7)]", "SIMD0009", "'Nonlinearity'")]
    [InlineData("[Simd.GruCell(3, 5, Reset = (Simd.GruReset)2)]", "SIMD0009", "'Reset'")]
    public void Bad_structure_option_reports_its_diagnostic_and_generates_nothing(string attribute, string id, string fragment)
    {
        var run = GeneratorHarness.Run("namespace Sample;\n" + attribute + " public partial class Net { }");

        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Sources);
        var diagnostic = Assert.Single(run.DriverDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(fragment, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static object? Constant(INamedTypeSymbol type, string name) =>
        Assert.IsAssignableFrom<IFieldSymbol>(Assert.Single(type.GetMembers(name))).ConstantValue;
}
