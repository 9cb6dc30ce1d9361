namespace Simd.Generators.Model;

/// <summary>Which attention cell the attribute asks for; the Luong kinds carry their score function.</summary>
internal enum AttentionKind
{
    Additive,
    LuongDot,
    LuongGeneral,
    LuongConcat,
    MultiHead,
}

/// <summary>
/// Everything the attention emitters need, as plain values (no symbols), so equal declarations give equal specs and
/// the emit step stays cached. Single-head cells use the query, key, value and attention sizes; multi-head cells use
/// the model size and heads.
/// </summary>
internal sealed record AttentionSpec(
    AttentionKind Kind,
    string? Namespace,
    string TypeName,
    EquatableArray<string> ContainingTypes,
    ElementKind Element,
    int QuerySize,
    int KeySize,
    int ValueSize,
    int AttentionSize,
    int ModelSize,
    int Heads,
    bool Deterministic = false)
{
    /// <summary>Whether the score is vᵀ tanh(W_q q + W_k k (+ b)) over precomputed key projections.</summary>
    public bool IsAdditiveScore => Kind is AttentionKind.Additive or AttentionKind.LuongConcat;

    /// <summary>The attribute's name as written in source, for messages and layout strings.</summary>
    public string AttributeName => AttributeNameOf(Kind);

    /// <summary>The attribute's name as written in source (without the <c>Attribute</c> suffix).</summary>
    public static string AttributeNameOf(AttentionKind kind) => kind switch
    {
        AttentionKind.Additive => "AdditiveAttention",
        AttentionKind.MultiHead => "MultiHeadAttention",
        _ => "LuongAttention",
    };

    /// <summary>The named tensors of the cell, in storage order, with their shapes (rows, columns; columns 1 for vectors).</summary>
    public EquatableArray<Tensor> Tensors => new(Kind switch
    {
        AttentionKind.Additive => new[]
        {
            new Tensor("query_weight", AttentionSize, QuerySize, QuerySize),
            new Tensor("key_weight", AttentionSize, KeySize, KeySize),
            new Tensor("bias", AttentionSize, 1, QuerySize),
            new Tensor("score_weight", AttentionSize, 1, AttentionSize),
        },
        AttentionKind.LuongConcat => new[]
        {
            new Tensor("query_weight", AttentionSize, QuerySize, QuerySize),
            new Tensor("key_weight", AttentionSize, KeySize, KeySize),
            new Tensor("score_weight", AttentionSize, 1, AttentionSize),
        },
        AttentionKind.LuongGeneral => new[] { new Tensor("weight", QuerySize, KeySize, KeySize) },
        AttentionKind.MultiHead => new[]
        {
            new Tensor("in_proj_weight", 3 * ModelSize, ModelSize, 0, StoredTransposed: true),
            new Tensor("in_proj_bias", 3 * ModelSize, 1, 0),
            new Tensor("out_proj.weight", ModelSize, ModelSize, ModelSize, StoredTransposed: true),
            new Tensor("out_proj.bias", ModelSize, 1, 0),
        },
        _ => System.Array.Empty<Tensor>(),
    });

    /// <summary>Parameters of all tensors together.</summary>
    public long ParameterCount
    {
        get
        {
            long total = 0;
            foreach (var t in Tensors)
            {
                total += (long)t.Rows * t.Columns;
            }

            return total;
        }
    }

    /// <summary>A file name unique to the declared type.</summary>
    public string HintName =>
        ((Namespace is null ? string.Empty : Namespace + ".")
        + string.Join(".", ContainingTypes.Select(static c => c.Substring(c.LastIndexOf(' ') + 1)))
        + (ContainingTypes.Length > 0 ? "." : string.Empty)
        + TypeName + ".g.cs").Replace("@", string.Empty);
}

/// <summary>
/// One named parameter tensor: its shape (as imported and exported), the fan-in its seeded initialisation bound
/// 1/√fanIn uses (0: the kind's own rule, such as Xavier bounds or zeros for multi-head attention), and whether
/// <c>Parameters</c> holds it transposed ([Columns, Rows], input-major) so projections read contiguous rows.
/// </summary>
internal sealed record Tensor(string Name, int Rows, int Columns, int FanIn, bool StoredTransposed = false);
