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
    bool ResetBefore = false,
    bool SharedStorage = false,
    int Layers = 1,
    bool Bidirectional = false,
    int ProjectionSize = 0,
    bool Deterministic = false)
{
    /// <summary>Whether the declaration asks for a network of layer cells rather than a single cell.</summary>
    public bool IsStack => Layers > 1 || Bidirectional;

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
        CountParameters(kind, inputSize, hiddenSize, 0);

    /// <summary>One cell's parameter count with an optional LSTM projection (W_hr is [P, H]; h then has P elements).</summary>
    public static long CountParameters(CellKind kind, int inputSize, int hiddenSize, int projectionSize)
    {
        var output = projectionSize > 0 ? projectionSize : hiddenSize;
        return (GatesOf(kind) * (long)hiddenSize * ((long)inputSize + output)) + (2L * GatesOf(kind) * hiddenSize) + ((long)projectionSize * hiddenSize);
    }

    /// <summary>The whole network's parameter count: every layer and direction (PyTorch's count).</summary>
    public static long CountNetworkParameters(CellKind kind, int inputSize, int hiddenSize, int layers, bool bidirectional, int projectionSize)
    {
        var directions = bidirectional ? 2 : 1;
        var output = projectionSize > 0 ? projectionSize : hiddenSize;
        var first = CountParameters(kind, inputSize, hiddenSize, projectionSize);
        var inner = CountParameters(kind, directions * output, hiddenSize, projectionSize);
        return directions * (first + ((layers - 1) * inner));
    }

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

/// <summary>The outcome of parsing one attributed type: a spec (recurrent or attention), or diagnostics.</summary>
internal sealed record ParseResult<TSpec>(TSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics)
    where TSpec : class;
