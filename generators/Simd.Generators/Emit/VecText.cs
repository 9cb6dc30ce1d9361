namespace Simd.Generators.Emit;

/// <summary>C# text for vector operations of a given width over one element type.</summary>
internal sealed class VecText
{
    public const string UnsafeClass = "global::System.Runtime.CompilerServices.Unsafe";
    public const string MathClass = "global::Simd.Kernels.VectorMath";

    public VecText(bool isDouble)
    {
        IsDouble = isDouble;
        Element = isDouble ? "double" : "float";
        ElementBytes = isDouble ? 8 : 4;
        Suffix = isDouble ? "d" : "f";
    }

    public bool IsDouble { get; }

    public string Element { get; }

    public int ElementBytes { get; }

    /// <summary>Literal suffix: <c>f</c> or <c>d</c>.</summary>
    public string Suffix { get; }

    public string Static(int width) => (width * ElementBytes) switch
    {
        64 => "global::System.Runtime.Intrinsics.Vector512",
        32 => "global::System.Runtime.Intrinsics.Vector256",
        16 => "global::System.Runtime.Intrinsics.Vector128",
        _ => Element,
    };

    public string Type(int width) => width == 1 ? Element : Static(width) + "<" + Element + ">";

    public string Load(int width, string reference, string offset) => width == 1
        ? $"{UnsafeClass}.Add(ref {reference}, {offset})"
        : $"{Static(width)}.LoadUnsafe(ref {reference}, (nuint)({offset}))";

    public string Store(int width, string value, string reference, string offset) => width == 1
        ? $"{UnsafeClass}.Add(ref {reference}, {offset}) = {value};"
        : $"{Static(width)}.StoreUnsafe({value}, ref {reference}, (nuint)({offset}));";

    public string Broadcast(int width, string scalar) => width == 1 ? scalar : $"{Static(width)}.Create({scalar})";

    public string Constant(int width, string literal) => Broadcast(width, literal + Suffix);

    public string Zero(int width) => width == 1 ? "0" + Suffix : Type(width) + ".Zero";

    public static string Offset(string reference, string offset) =>
        offset == "0" ? $"ref {reference}" : $"ref {UnsafeClass}.Add(ref {reference}, {offset})";
}
