using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Simd.Generators.Diagnostics;
using Simd.Generators.Emit;
using Simd.Generators.Model;

namespace Simd.Generators;

/// <summary>The feed-forward layer attributes ([Dense], [Embedding]): their pipelines and the parse to <see cref="LayerSpec"/>.</summary>
public sealed partial class CellGenerator
{
    internal const string DenseAttributeName = "Simd.DenseAttribute";

    internal const string EmbeddingAttributeName = "Simd.EmbeddingAttribute";

    private static void RegisterLayer(IncrementalGeneratorInitializationContext context, string attribute, LayerKind kind) =>
        Register(
            context,
            context.SyntaxProvider.ForAttributeWithMetadataName(
                    attribute,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    (ctx, ct) => ParseLayer(ctx, kind, ct))
                .WithTrackingName(ParseStep),
            static (spc, spec) => spc.AddSource(spec.HintName, spec.Kind == LayerKind.Dense ? DenseEmitter.Emit(spec) : EmbeddingEmitter.Emit(spec)));

    private static ParseResult<LayerSpec> ParseLayer(GeneratorAttributeSyntaxContext context, LayerKind kind, CancellationToken ct)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        var location = ToInfo(syntax.Identifier.GetLocation());
        var at = ToInfo(attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation()) ?? location;
        var attributeName = LayerSpec.AttributeNameOf(kind);
        var diagnostics = new List<DiagnosticInfo>();

        void Report(string id, params string[] args) =>
            diagnostics.Add(new DiagnosticInfo(id, at, new EquatableArray<string>(args)));

        static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

        var sizes = attribute.ConstructorArguments.Select(a => a.Value is int v ? v : 0).ToArray();
        if (sizes.Length != 2)
        {
            // The attribute did not bind (a compile error the user already sees): generate nothing.
            return new ParseResult<LayerSpec>(null, default);
        }

        var names = kind == LayerKind.Dense ? new[] { "inputs", "outputs" } : new[] { "vocabulary", "dimension" };
        for (var i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1)
            {
                Report(Descriptors.SizeNotPositive.Id, names[i], attributeName, type.Name, Text(sizes[i]));
            }
        }

        var element = ElementKind.Single;
        var activation = DenseActivationKind.None;
        var deterministic = false;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "Deterministic" when named.Value.Value is bool fixedOrder:
                    deterministic = fixedOrder;
                    break;
                case "ElementType" when named.Value.Value is ITypeSymbol elementType:
                    element = ReadElementType(elementType, type.Name, at, diagnostics, element);
                    break;
                case "Activation" when named.Value.Value is int option:
                    // The generator knows DenseActivation by value: None = 0, Tanh = 1, Sigmoid = 2, Relu = 3.
                    if (option is < 0 or > 3)
                    {
                        Report(Descriptors.UnknownOption.Id, "Activation", attributeName, type.Name, Text(option));
                    }
                    else
                    {
                        activation = (DenseActivationKind)option;
                    }

                    break;
            }
        }

        var containing = CheckDeclaration(type, syntax, location, diagnostics);
        if (diagnostics.Count > 0)
        {
            return new ParseResult<LayerSpec>(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        // Dense: rows = outputs, columns = inputs (PyTorch's weight [out, in]); embedding: rows = vocabulary.
        var rows = kind == LayerKind.Dense ? sizes[1] : sizes[0];
        var columns = kind == LayerKind.Dense ? sizes[0] : sizes[1];
        var ns = type.ContainingNamespace.IsGlobalNamespace ? null : string.Join(".", type.ContainingNamespace.ToDisplayString().Split('.').Select(Escape));
        var spec = new LayerSpec(kind, ns, Escape(type.Name), new EquatableArray<string>(containing.ToArray()), element, rows, columns, activation, deterministic);
        if (spec.ParameterCount > MaxArrayLength)
        {
            Report(Descriptors.TooManyParameters.Id, attributeName, type.Name, Text(spec.ParameterCount), Text(MaxArrayLength));
            return new ParseResult<LayerSpec>(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        return new ParseResult<LayerSpec>(spec, default);
    }
}
