namespace Simd.Generators.Model;

/// <summary>Which feed-forward layer the attribute asks for.</summary>
internal enum LayerKind
{
    Dense,
    Embedding,
}

/// <summary>The activation of a dense layer, by the runtime enum's values (DenseActivation).</summary>
internal enum DenseActivationKind
{
    None = 0,
    Tanh = 1,
    Sigmoid = 2,
    Relu = 3,
}

/// <summary>
/// Everything the layer emitters need, as plain values (no symbols), so equal declarations give equal specs and the
/// emit step stays cached. A dense layer maps <see cref="Rows"/> = outputs from <see cref="Columns"/> = inputs; an
/// embedding has <see cref="Rows"/> = vocabulary and <see cref="Columns"/> = dimension.
/// </summary>
internal sealed record LayerSpec(
    LayerKind Kind,
    string? Namespace,
    string TypeName,
    EquatableArray<string> ContainingTypes,
    ElementKind Element,
    int Rows,
    int Columns,
    DenseActivationKind Activation,
    bool Deterministic = false)
{
    /// <summary>The attribute's name as written in source (without the <c>Attribute</c> suffix).</summary>
    public static string AttributeNameOf(LayerKind kind) => kind == LayerKind.Dense ? "Dense" : "Embedding";

    /// <summary>The weight matrix, plus the dense layer's bias.</summary>
    public long ParameterCount => ((long)Rows * Columns) + (Kind == LayerKind.Dense ? Rows : 0);

    /// <summary>A file name unique to the declared type.</summary>
    public string HintName =>
        ((Namespace is null ? string.Empty : Namespace + ".")
        + string.Join(".", ContainingTypes.Select(static c => c.Substring(c.LastIndexOf(' ') + 1)))
        + (ContainingTypes.Length > 0 ? "." : string.Empty)
        + TypeName + ".g.cs").Replace("@", string.Empty);
}
