using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Simd.Generators.Diagnostics;
using Simd.Generators.Emit;
using Simd.Generators.Model;

namespace Simd.Generators;

/// <summary>
/// Finds classes marked with Simd's cell attributes and adds shape-specialized forward and backward code to them.
/// This file only wires the pipeline; parsing and emitting live in their own files.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class CellGenerator : IIncrementalGenerator
{
    /// <summary>Tracking name of the parse step (attribute → spec and diagnostics).</summary>
    public const string ParseStep = "Parse";

    /// <summary>Tracking name of the step that keeps the specs to emit.</summary>
    public const string SpecStep = "Specs";

    /// <summary>Tracking name of the step that keeps the diagnostics to report.</summary>
    public const string DiagnosticStep = "Diagnostics";

    internal const string LstmAttributeName = "Simd.LstmCellAttribute";

    internal const string RnnAttributeName = "Simd.RnnCellAttribute";

    internal const string GruAttributeName = "Simd.GruCellAttribute";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // One pipeline per attribute, each item cached on its own: editing one cell re-emits only that cell.
        Register(context, Cells(context, LstmAttributeName, CellKind.Lstm), EmitCellSources);
        Register(context, Cells(context, RnnAttributeName, CellKind.Rnn), EmitCellSources);
        Register(context, Cells(context, GruAttributeName, CellKind.Gru), EmitCellSources);
        RegisterAttention(context, AdditiveAttentionAttributeName, AttentionKind.Additive);
        RegisterAttention(context, LuongAttentionAttributeName, AttentionKind.LuongGeneral);
        RegisterAttention(context, MultiHeadAttentionAttributeName, AttentionKind.MultiHead);
        RegisterLayer(context, DenseAttributeName, LayerKind.Dense);
        RegisterLayer(context, EmbeddingAttributeName, LayerKind.Embedding);
    }

    /// <summary>
    /// The outputs every attribute's pipeline shares: the specs to emit (each cached on its own) and the diagnostics to
    /// report, each with its tracking name.
    /// </summary>
    private static void Register<TSpec>(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParseResult<TSpec>> parsed, Action<SourceProductionContext, TSpec> emit)
        where TSpec : class
    {
        var specs = parsed
            .Where(static r => r.Spec is not null)
            .Select(static (r, _) => r.Spec!)
            .WithTrackingName(SpecStep);

        var diagnostics = parsed
            .Where(static r => r.Diagnostics.Length > 0)
            .Select(static (r, _) => r.Diagnostics)
            .WithTrackingName(DiagnosticStep);

        context.RegisterSourceOutput(specs, emit);
        context.RegisterSourceOutput(diagnostics, static (spc, list) => Report(spc, list));
    }

    private static void EmitCellSources(SourceProductionContext spc, CellSpec spec)
    {
        if (!spec.IsStack)
        {
            spc.AddSource(spec.HintName, EmitCell(spec));
            return;
        }

        foreach (var (hintName, source) in StackEmitter.Emit(spec, EmitCell))
        {
            spc.AddSource(hintName, source);
        }
    }

    private static void Report(SourceProductionContext spc, EquatableArray<DiagnosticInfo> list)
    {
        foreach (var d in list)
        {
            var location = d.Location is null
                ? Location.None
                : Location.Create(d.Location.FilePath, d.Location.Span, d.Location.LineSpan);
            spc.ReportDiagnostic(Diagnostic.Create(Descriptors.Get(d.Id), location, d.Arguments.Cast<object>().ToArray()));
        }
    }

    private static string EmitCell(CellSpec spec) => spec.Kind switch
    {
        CellKind.Rnn => RnnEmitter.Emit(spec),
        CellKind.Gru => GruEmitter.Emit(spec),
        _ => LstmEmitter.Emit(spec),
    };

    private static IncrementalValuesProvider<ParseResult<CellSpec>> Cells(IncrementalGeneratorInitializationContext context, string attribute, CellKind kind) =>
        context.SyntaxProvider.ForAttributeWithMetadataName(
            attribute,
            static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
            (ctx, ct) => Parse(ctx, kind, ct))
        .WithTrackingName(ParseStep);
}
