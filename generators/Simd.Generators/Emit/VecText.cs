namespace Simd.Generators.Emit;

/// <summary>C# text for vector operations of a given width over one element type.</summary>
internal sealed class VecText
{
    // Short file-level aliases keep generated files compact (they are compiled in every user build). The double
    // underscore keeps them clear of user type names, which would otherwise win the name lookup inside a namespace.
    public const string UnsafeClass = "__SimdU";
    public const string MathClass = "__SimdM";

    public VecText(bool isDouble, bool deterministic = false)
    {
        IsDouble = isDouble;
        Deterministic = deterministic;
        Element = isDouble ? "double" : "float";
        ElementBytes = isDouble ? 8 : 4;
        Suffix = isDouble ? "d" : "f";
    }

    public bool IsDouble { get; }

    /// <summary>
    /// Deterministic mode: the math alias names <c>DeterministicMath</c> (every multiply-add fused) and kernels keep one
    /// accumulation order for every path, so all paths give the same bits.
    /// </summary>
    public bool Deterministic { get; }

    public string Element { get; }

    public int ElementBytes { get; }

    /// <summary>Literal suffix: <c>f</c> or <c>d</c>.</summary>
    public string Suffix { get; }

    public string Static(int width) => (width * ElementBytes) switch
    {
        64 => "__SimdV512",
        32 => "__SimdV256",
        16 => "__SimdV128",
        _ => Element,
    };

    public string Type(int width) => width == 1 ? Element : Static(width).Replace("__SimdV", "__SimdT");

    /// <summary>The <c>using</c> aliases every generated file starts with.</summary>
    public string[] Aliases() => new[]
    {
        "using __SimdU = global::System.Runtime.CompilerServices.Unsafe;",
        Deterministic ? "using __SimdM = global::Simd.Kernels.DeterministicMath;" : "using __SimdM = global::Simd.Kernels.VectorMath;",
        "using __SimdV512 = global::System.Runtime.Intrinsics.Vector512;",
        "using __SimdV256 = global::System.Runtime.Intrinsics.Vector256;",
        "using __SimdV128 = global::System.Runtime.Intrinsics.Vector128;",
        $"using __SimdT512 = global::System.Runtime.Intrinsics.Vector512<{Element}>;",
        $"using __SimdT256 = global::System.Runtime.Intrinsics.Vector256<{Element}>;",
        $"using __SimdT128 = global::System.Runtime.Intrinsics.Vector128<{Element}>;",
    };

    private static string Index(string offset) => int.TryParse(offset, out _) ? offset : $"(nuint)({offset})";

    public string Load(int width, string reference, string offset) => width == 1
        ? $"{UnsafeClass}.Add(ref {reference}, {offset})"
        : $"{Static(width)}.LoadUnsafe(ref {reference}, {Index(offset)})";

    public string Store(int width, string value, string reference, string offset) => width == 1
        ? $"{UnsafeClass}.Add(ref {reference}, {offset}) = {value};"
        : $"{Static(width)}.StoreUnsafe({value}, ref {reference}, {Index(offset)});";

    public string Broadcast(int width, string scalar) => width == 1 ? scalar : $"{Static(width)}.Create({scalar})";

    public string Constant(int width, string literal) => Broadcast(width, literal + Suffix);

    public string Zero(int width) => width == 1 ? "0" + Suffix : Type(width) + ".Zero";

    public static string Offset(string reference, string offset) =>
        offset == "0" ? $"ref {reference}" : $"ref {UnsafeClass}.Add(ref {reference}, {offset})";
}
