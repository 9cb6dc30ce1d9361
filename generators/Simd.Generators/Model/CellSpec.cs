using Microsoft.CodeAnalysis.Text;

namespace Simd.Generators.Model;

/// <summary>Element type of a generated cell.</summary>
internal enum ElementKind
{
    Single,
    Double,
}

/// <summary>Which cell the attribute asks for.</summary>
internal enum CellKind
{
    Lstm,
}

/// <summary>
/// Everything the emitter needs to write one cell: names as strings, sizes as ints. Holds no symbols,
/// syntax or compilations, so equal declarations give equal specs and the emit step stays cached.
/// </summary>
internal sealed record CellSpec(
    CellKind Kind,
    string? Namespace,
    string TypeName,
    EquatableArray<string> ContainingTypes,
    int InputSize,
    int HiddenSize,
    ElementKind Element,
    bool BFloat16Inference)
{
    /// <summary>A file name unique to the declared type.</summary>
    public string HintName =>
        ((Namespace is null ? string.Empty : Namespace + ".")
        + string.Join(".", ContainingTypes.Select(static c => c.Substring(c.LastIndexOf(' ') + 1)))
        + (ContainingTypes.Length > 0 ? "." : string.Empty)
        + TypeName + ".g.cs").Replace("@", string.Empty);
}

/// <summary>Where a diagnostic points, kept as plain values instead of a <c>Location</c>.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan);

/// <summary>A diagnostic to report: its id, where, and its message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments);

/// <summary>The outcome of parsing one attributed type: a spec, diagnostics, or both.</summary>
internal sealed record ParseResult(CellSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);
