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

/// <summary>The attention attributes: their pipelines and the parse from attribute to <see cref="AttentionSpec"/>.</summary>
public sealed partial class CellGenerator
{
    internal const string AdditiveAttentionAttributeName = "Simd.AdditiveAttentionAttribute";

    internal const string LuongAttentionAttributeName = "Simd.LuongAttentionAttribute";

    internal const string MultiHeadAttentionAttributeName = "Simd.MultiHeadAttentionAttribute";

    private static void RegisterAttention(IncrementalGeneratorInitializationContext context, string attribute, AttentionKind kind) =>
        Register(
            context,
            context.SyntaxProvider.ForAttributeWithMetadataName(
                    attribute,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    (ctx, ct) => ParseAttention(ctx, kind, ct))
                .WithTrackingName(ParseStep),
            static (spc, spec) => spc.AddSource(spec.HintName, spec.Kind == AttentionKind.MultiHead ? MultiHeadAttentionEmitter.Emit(spec) : SingleHeadAttentionEmitter.Emit(spec)));

    private static ParseResult<AttentionSpec> ParseAttention(GeneratorAttributeSyntaxContext context, AttentionKind declaredKind, CancellationToken ct)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (TypeDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        var location = ToInfo(syntax.Identifier.GetLocation());
        var at = ToInfo(attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation()) ?? location;
        var attributeName = AttentionSpec.AttributeNameOf(declaredKind);
        var diagnostics = new List<DiagnosticInfo>();

        void Report(string id, params string[] args) =>
            diagnostics.Add(new DiagnosticInfo(id, at, new EquatableArray<string>(args)));

        static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        var sizes = attribute.ConstructorArguments.Select(a => a.Value is int v ? v : 0).ToArray();
        var expectedCount = declaredKind == AttentionKind.Additive ? 3 : 2;
        if (sizes.Length != expectedCount)
        {
            // The attribute did not bind (a compile error the user already sees): generate nothing.
            return new ParseResult<AttentionSpec>(null, default);
        }

        var names = declaredKind switch
        {
            AttentionKind.Additive => new[] { "querySize", "keySize", "attentionSize" },
            AttentionKind.MultiHead => new[] { "modelSize", "heads" },
            _ => new[] { "querySize", "keySize" },
        };
        for (var i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1)
            {
                Report(Descriptors.SizeNotPositive.Id, names[i], attributeName, type.Name, Text(sizes[i]));
            }
        }

        var element = ElementKind.Single;
        var valueSize = 0;
        var attentionSize = declaredKind == AttentionKind.Additive ? sizes[2] : 0;
        var score = 1;
        var deterministic = false;
        foreach (var named in attribute.NamedArguments)
        {
            switch (named.Key)
            {
                case "ElementType" when named.Value.Value is ITypeSymbol elementType:
                    element = ReadElementType(elementType, type.Name, at, diagnostics, element);
                    break;
                case "Deterministic" when named.Value.Value is bool fixedOrder:
                    deterministic = fixedOrder;
                    break;
                case "ValueSize" when named.Value.Value is int size:
                    valueSize = size;
                    break;
                case "AttentionSize" when named.Value.Value is int size:
                    attentionSize = size;
                    break;
                case "Score" when named.Value.Value is int option:
                    // The generator knows LuongScore by value: Dot = 0, General = 1, Concat = 2.
                    score = option;
                    if (option is < 0 or > 2)
                    {
                        Report(Descriptors.UnknownOption.Id, "Score", attributeName, type.Name, Text(option));
                    }

                    break;
            }
        }

        var kind = declaredKind == AttentionKind.LuongGeneral
            ? score switch { 0 => AttentionKind.LuongDot, 2 => AttentionKind.LuongConcat, _ => AttentionKind.LuongGeneral }
            : declaredKind;

        if (valueSize < 0)
        {
            Report(Descriptors.BadStructure.Id, "ValueSize", attributeName, type.Name, Text(valueSize), "0 (the key size) or a positive size");
        }

        if (kind == AttentionKind.LuongDot && sizes[0] >= 1 && sizes[1] >= 1 && sizes[0] != sizes[1])
        {
            Report(Descriptors.BadStructure.Id, "querySize", attributeName, type.Name, Text(sizes[0]), "the key size " + Text(sizes[1]) + " with LuongScore.Dot (it scores qᵀk)");
        }

        if (kind == AttentionKind.LuongConcat && attentionSize < 1)
        {
            Report(Descriptors.BadStructure.Id, "AttentionSize", attributeName, type.Name, Text(attentionSize), "a positive size with LuongScore.Concat");
        }
        else if (kind is AttentionKind.LuongDot or AttentionKind.LuongGeneral && attentionSize != 0)
        {
            Report(Descriptors.BadStructure.Id, "AttentionSize", attributeName, type.Name, Text(attentionSize), "0: only LuongScore.Concat has an attention layer");
        }

        if (kind == AttentionKind.MultiHead && sizes[0] >= 1 && sizes[1] >= 1 && sizes[0] % sizes[1] != 0)
        {
            Report(Descriptors.BadStructure.Id, "heads", attributeName, type.Name, Text(sizes[1]), "a divisor of modelSize " + Text(sizes[0]) + " (each head gets modelSize / heads elements)");
        }

        var containing = CheckDeclaration(type, syntax, location, diagnostics);
        if (diagnostics.Count > 0)
        {
            return new ParseResult<AttentionSpec>(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? null : string.Join(".", type.ContainingNamespace.ToDisplayString().Split('.').Select(Escape));
        var spec = kind == AttentionKind.MultiHead
            ? new AttentionSpec(kind, ns, Escape(type.Name), new EquatableArray<string>(containing.ToArray()), element, sizes[0], sizes[0], sizes[0], 0, sizes[0], sizes[1], deterministic)
            : new AttentionSpec(kind, ns, Escape(type.Name), new EquatableArray<string>(containing.ToArray()), element, sizes[0], sizes[1], valueSize == 0 ? sizes[1] : valueSize, attentionSize, 0, 0, deterministic);

        // Sizes are ints, so the parameter count can exceed an array only through the multi-head 4E² term.
        if (spec.ParameterCount > MaxArrayLength || (long)spec.ModelSize * spec.ModelSize * 3 > MaxArrayLength)
        {
            return new ParseResult<AttentionSpec>(null, new EquatableArray<DiagnosticInfo>(new[]
            {
                new DiagnosticInfo(Descriptors.TooManyParameters.Id, at, new EquatableArray<string>(new[] { attributeName, type.Name, spec.ParameterCount.ToString(CultureInfo.InvariantCulture), MaxArrayLength.ToString(CultureInfo.InvariantCulture) })),
            }));
        }

        return new ParseResult<AttentionSpec>(spec, default);
    }
}
