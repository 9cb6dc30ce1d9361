using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Simd.Generators.Diagnostics;
using Simd.Generators.Emit;
using Simd.Generators.Model;

namespace Simd.Generators;

/// <summary>The only code that looks at symbols: turns an attributed class into a <see cref="CellSpec"/>.</summary>
public sealed partial class CellGenerator
{
    /// <summary>
    /// Largest hidden size: the batched step copies up to four samples' previous hidden states to the stack,
    /// and 4 × 4096 floats (64 KiB) is the most we let it take.
    /// </summary>
    internal const int MaxHiddenSize = 4096;

    /// <summary>Most stacked layers a declaration may ask for; deeper recurrent stacks are rare and each layer adds generated code.</summary>
    internal const int MaxLayers = 16;

    /// <summary>Largest element count of a .NET array (Array.MaxLength).</summary>
    internal const long MaxArrayLength = 0x7FFFFFC7;

    private static ParseResult<CellSpec> Parse(GeneratorAttributeSyntaxContext context, CellKind kind, CancellationToken ct)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        var location = ToInfo(syntax.Identifier.GetLocation());
        var attributeLocation = ToInfo(attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation()) ?? location;
        var attributeName = CellSpec.AttributeNameOf(kind);
        var diagnostics = new List<DiagnosticInfo>();

        void Report(string id, LocationInfo? where, params string[] args) =>
            diagnostics.Add(new DiagnosticInfo(id, where, new EquatableArray<string>(args)));

        var sizes = attribute.ConstructorArguments.Select(a => a.Value is int v ? v : 0).ToArray();
        if (sizes.Length != 2)
        {
            // The attribute did not bind (a compile error the user already sees): generate nothing.
            return new ParseResult<CellSpec>(null, default);
        }

        var inputSize = sizes[0];
        var hiddenSize = sizes[1];
        if (inputSize < 1)
        {
            Report(Descriptors.SizeNotPositive.Id, attributeLocation, "inputSize", attributeName, type.Name, inputSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (hiddenSize < 1)
        {
            Report(Descriptors.SizeNotPositive.Id, attributeLocation, "hiddenSize", attributeName, type.Name, hiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var element = ElementKind.Single;
        var bfloat16 = false;
        var relu = false;
        var resetBefore = false;
        var layers = 1;
        var bidirectional = false;
        var projection = 0;
        var deterministic = false;
        foreach (var named in attribute.NamedArguments)
        {
            // The generator knows the runtime's enums by value, not by reference: RnnNonlinearity.Relu = 1,
            // GruReset.BeforeRecurrentProduct = 1.
            if (named.Key is "Nonlinearity" or "Reset" && named.Value.Value is int option)
            {
                if (option is not (0 or 1))
                {
                    Report(Descriptors.UnknownOption.Id, attributeLocation, named.Key, attributeName, type.Name, option.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                relu |= named.Key == "Nonlinearity" && option == 1;
                resetBefore |= named.Key == "Reset" && option == 1;
            }

            switch (named.Key)
            {
                case "Layers" when named.Value.Value is int count:
                    layers = count;
                    break;
                case "Bidirectional" when named.Value.Value is bool both:
                    bidirectional = both;
                    break;
                case "ProjectionSize" when named.Value.Value is int size:
                    projection = size;
                    break;
                case "Deterministic" when named.Value.Value is bool fixedOrder:
                    deterministic = fixedOrder;
                    break;
            }

            if (named.Key == "InferenceWeights" && named.Value.Value is int format)
            {
                // WeightFormat.BFloat16 = 1; the generator knows the runtime's enum by value, not by reference.
                bfloat16 = format == 1;
            }

            if (named.Key == "ElementType" && named.Value.Value is ITypeSymbol elementType)
            {
                switch (elementType.SpecialType)
                {
                    case SpecialType.System_Single:
                        element = ElementKind.Single;
                        break;
                    case SpecialType.System_Double:
                        element = ElementKind.Double;
                        break;
                    default:
                        Report(Descriptors.UnsupportedElementType.Id, attributeLocation, elementType.ToDisplayString(), type.Name);
                        break;
                }
            }
        }

        if (layers < 1 || layers > MaxLayers)
        {
            Report(Descriptors.BadStructure.Id, attributeLocation, "Layers", attributeName, type.Name, layers.ToString(System.Globalization.CultureInfo.InvariantCulture), "from 1 to " + MaxLayers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (projection < 0 || (projection > 0 && projection >= hiddenSize))
        {
            Report(Descriptors.BadStructure.Id, attributeLocation, "ProjectionSize", attributeName, type.Name, projection.ToString(System.Globalization.CultureInfo.InvariantCulture), "0 (no projection) or from 1 to hiddenSize − 1");
        }

        if (bfloat16 && (layers > 1 || bidirectional))
        {
            Report(Descriptors.BadStructure.Id, attributeLocation, "InferenceWeights", attributeName, type.Name, "BFloat16", "Float32 when Layers > 1 or Bidirectional (bfloat16 inference weights are for single cells)");
        }

        if (bfloat16 && element != ElementKind.Single)
        {
            Report(Descriptors.BFloat16NeedsFloat.Id, attributeLocation, type.Name);
        }

        if (inputSize >= 1 && hiddenSize >= 1 && layers is >= 1 and <= MaxLayers && projection >= 0 && projection < hiddenSize)
        {
            var parameterCount = CellSpec.CountNetworkParameters(kind, inputSize, hiddenSize, layers, bidirectional, projection);
            if (parameterCount > MaxArrayLength)
            {
                Report(Descriptors.TooManyParameters.Id, attributeLocation, attributeName, type.Name,
                    parameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    MaxArrayLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (hiddenSize > MaxHiddenSize)
            {
                Report(Descriptors.HiddenTooLarge.Id, attributeLocation,
                    hiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture), type.Name,
                    MaxHiddenSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var containing = CheckDeclaration(type, syntax, location, diagnostics);

        if (diagnostics.Count > 0)
        {
            return new ParseResult<CellSpec>(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? null : string.Join(".", type.ContainingNamespace.ToDisplayString().Split('.').Select(Escape));
        var spec = new CellSpec(kind, ns, Escape(type.Name), new EquatableArray<string>(containing.ToArray()), inputSize, hiddenSize, element, bfloat16, relu, resetBefore, Layers: layers, Bidirectional: bidirectional, ProjectionSize: projection, Deterministic: deterministic);
        return new ParseResult<CellSpec>(spec, default);
    }

    /// <summary>
    /// The checks every attributed declaration needs (a plain, non-generic, partial class all the way out) and the
    /// containing type declarations the generated part must repeat.
    /// </summary>
    private static List<string> CheckDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax syntax, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        void Report(string id, LocationInfo? where, params string[] args) =>
            diagnostics.Add(new DiagnosticInfo(id, where, new EquatableArray<string>(args)));

        if (type.IsRecord || type.IsStatic)
        {
            Report(Descriptors.NotPlainClass.Id, location, type.Name, type.IsRecord ? "record" : "static class");
        }

        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.TypeParameters.Length > 0)
            {
                Report(Descriptors.Generic.Id, location, type.Name);
                break;
            }
        }

        var containing = new List<string>();
        var allPartial = IsPartial(syntax);
        for (var outer = syntax.Parent as TypeDeclarationSyntax; outer is not null; outer = outer.Parent as TypeDeclarationSyntax)
        {
            allPartial &= IsPartial(outer);
            var keyword = outer switch
            {
                RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                StructDeclarationSyntax => "struct",
                InterfaceDeclarationSyntax => "interface",
                _ => "class",
            };
            containing.Insert(0, "partial " + keyword + " " + Escape(outer.Identifier.ValueText));
        }

        if (!allPartial)
        {
            Report(Descriptors.NotPartial.Id, location, type.Name);
        }

        return containing;
    }

    /// <summary>Reads an <c>ElementType = typeof(...)</c> named argument; reports anything but float and double.</summary>
    private static ElementKind ReadElementType(ITypeSymbol elementType, string typeName, LocationInfo? where, List<DiagnosticInfo> diagnostics, ElementKind current)
    {
        switch (elementType.SpecialType)
        {
            case SpecialType.System_Single:
                return ElementKind.Single;
            case SpecialType.System_Double:
                return ElementKind.Double;
            default:
                diagnostics.Add(new DiagnosticInfo(Descriptors.UnsupportedElementType.Id, where, new EquatableArray<string>(new[] { elementType.ToDisplayString(), typeName })));
                return current;
        }
    }

    /// <summary>Prefixes reserved keywords with '@' so names such as <c>@class</c> stay valid identifiers in generated code.</summary>
    private static string Escape(string name) =>
        SyntaxFacts.IsReservedKeyword(SyntaxFacts.GetKeywordKind(name)) ? "@" + name : name;

    private static bool IsPartial(TypeDeclarationSyntax syntax) =>
        syntax.Modifiers.Any(static m => m.IsKind(SyntaxKind.PartialKeyword));

    private static LocationInfo? ToInfo(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}
