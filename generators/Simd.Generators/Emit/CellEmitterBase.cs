using Simd.Generators.Model;

namespace Simd.Generators.Emit;

/// <summary>
/// What every cell kind's emitter starts from: the spec, the vector text helpers for its element type, the shared tile
/// kernels, the writer for the kernel class, and the names generated code uses for the runtime's types.
/// </summary>
internal abstract class CellEmitterBase
{
    protected const string Unsafe = VecText.UnsafeClass;
    protected const string Math = VecText.MathClass;
    protected const string Span = "global::System.Span";
    protected const string ReadOnlySpan = "global::System.ReadOnlySpan";
    protected const string Marshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    protected const string Opt = TileEmitter.Optimized;

    protected readonly CellSpec _spec;
    protected readonly VecText _v;
    protected readonly string _e;
    protected readonly TileEmitter _tiles;
    protected readonly SourceWriter _k = new();

    protected CellEmitterBase(CellSpec spec)
    {
        _spec = spec;
        _v = new VecText(spec.Element == ElementKind.Double, spec.Deterministic);
        _e = _v.Element;
        _tiles = new TileEmitter(_v);
    }

    /// <summary>Name of the generated private class that holds this cell's kernels.</summary>
    protected abstract string KernelClass { get; }

    protected static int RowsPerTile(Isa isa) => KernelLoops.RowsPerTile(isa);

    protected static string I(long value) => SourceWriter.Int(value);

    protected static string At(string reference, string offset) => VecText.Offset(reference, offset);

    /// <summary>Emits the run-time choice of instruction-set path: one call of <paramref name="method"/> per path, widest first.</summary>
    protected void Dispatch(SourceWriter w, string method, string arguments)
    {
        var first = true;
        foreach (var isa in Isa.All)
        {
            w.Open(isa.Guard is not null ? $"{(first ? "if" : "else if")} ({isa.Guard})" : "else");
            w.Line($"{KernelClass}.{method}{isa.Name}({arguments});");
            w.Close();
            first = false;
        }
    }

    /// <summary>
    /// Emits a hidden-state cell's (GRU, RNN) <c>Step</c> and <c>StepBatch</c>: argument checks, then the
    /// <c>StepBatch</c> kernel of the widest available path (a single step is a batch of one).
    /// </summary>
    protected void EmitHiddenStateSteps(SourceWriter w)
    {
        var e = _e;
        EmitCheckFiniteProperty(w);
        w.Line("/// <summary>Advances one sample by one step: h is replaced by the new state.</summary>");
        w.Line("/// <param name=\"input\">x_t, <see cref=\"InputSize\"/> long.</param><param name=\"hidden\">h, <see cref=\"HiddenSize\"/> long; updated in place.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing is written.</exception>");
        w.Open($"public void Step({ReadOnlySpan}<{e}> input, {Span}<{e}> hidden)");
        w.Line("global::Simd.Guard.Length(input.Length, InputSize, nameof(input), \"InputSize\");");
        w.Line("global::Simd.Guard.Length(hidden.Length, HiddenSize, nameof(hidden), \"HiddenSize\");");
        CheckFinite(w, "input", "InputSize", "1");
        Dispatch(w, "StepBatch", $"ref SimdWeights, ref {Marshal}.GetReference(input), ref {Marshal}.GetReference(hidden), 1");
        CheckFinite(w, "hidden", "HiddenSize", "1");
        w.Close();
        w.Line();
        w.Line("/// <summary>Advances a batch of independent samples by one step (for example many agents in one frame).</summary>");
        w.Line("/// <param name=\"inputs\">Batch × <see cref=\"InputSize\"/>, one sample after another.</param>");
        w.Line("/// <param name=\"hidden\">Batch × <see cref=\"HiddenSize\"/>; its length sets the batch size; updated in place.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing is written.</exception>");
        w.Open($"public void StepBatch({ReadOnlySpan}<{e}> inputs, {Span}<{e}> hidden)");
        w.Open("if (hidden.Length == 0 || hidden.Length % HiddenSize != 0)");
        w.Line("throw new global::System.ArgumentException($\"'hidden' has length {hidden.Length}; expected a positive multiple of HiddenSize = {HiddenSize} (batch × HiddenSize).\", nameof(hidden));");
        w.Close();
        w.Line("int batch = hidden.Length / HiddenSize;");
        w.Line("global::Simd.Guard.Length(inputs.Length, (long)batch * InputSize, nameof(inputs), \"batch × InputSize = {0} × {1}\", batch, InputSize);");
        CheckFinite(w, "inputs", "InputSize", "batch");
        Dispatch(w, "StepBatch", $"ref SimdWeights, ref {Marshal}.GetReference(inputs), ref {Marshal}.GetReference(hidden), batch");
        CheckFinite(w, "hidden", "HiddenSize", "batch");
        w.Close();
        w.Line();
    }

    /// <summary>Emits the opt-in <c>CheckFinite</c> property (off by default: the scan reads every value once more).</summary>
    protected static void EmitCheckFiniteProperty(SourceWriter w)
    {
        w.Line("/// <summary>");
        w.Line("/// When true, <c>Step</c>, <c>StepBatch</c> and <c>Forward</c> scan their inputs before the step and their new state and");
        w.Line("/// outputs after it, and throw <see cref=\"global::Simd.NonFiniteValueException\"/> naming this cell, the tensor, the step,");
        w.Line("/// the sample and the index of the first NaN or infinity. A bad input is reported before anything is written.");
        w.Line("/// Off by default: the scan costs one more read of every value.");
        w.Line("/// </summary>");
        w.Line("public bool CheckFinite { get; set; }");
        w.Line();
    }

    /// <summary>Emits a guarded <c>NonFinite.ThrowIfAny</c> call on a time-major [steps, rows, rowLength] tensor.</summary>
    protected void CheckFinite(SourceWriter w, string tensor, string rowLength, string rowsPerStep) =>
        w.Line(CellApi.CheckFinite(_e, _spec.TypeName.Replace("@", string.Empty), tensor, rowLength, rowsPerStep));
}
