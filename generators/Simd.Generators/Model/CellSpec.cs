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
    Rnn,
    Gru,
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
    bool BFloat16Inference,
    bool Relu = false,
    bool ResetBefore = false)
{
    /// <summary>The attribute's name as written in source, for messages.</summary>
    public string AttributeName => AttributeNameOf(Kind);

    /// <summary>The attribute's name as written in source (without the <c>Attribute</c> suffix).</summary>
    public static string AttributeNameOf(CellKind kind) => kind switch
    {
        CellKind.Rnn => "RnnCell",
        CellKind.Gru => "GruCell",
        _ => "LstmCell",
    };

    /// <summary>Gate blocks of rows in PyTorch's weight matrices: 4 (i, f, g, o), 3 (r, z, n) or 1.</summary>
    public static int GatesOf(CellKind kind) => kind switch
    {
        CellKind.Rnn => 1,
        CellKind.Gru => 3,
        _ => 4,
    };

    /// <summary>PyTorch's parameter count: g·H·(I+H) weights and 2·g·H biases.</summary>
    public static long CountParameters(CellKind kind, int inputSize, int hiddenSize) =>
        (GatesOf(kind) * (long)hiddenSize * ((long)inputSize + hiddenSize)) + (2L * GatesOf(kind) * hiddenSize);

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
