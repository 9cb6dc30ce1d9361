using System;
using System.Collections.Generic;
using System.Linq;

namespace Simd.Interop;

/// <summary>Options of <see cref="PyTorchStateDict"/>'s loads.</summary>
public sealed class PyTorchLoadOptions
{
    /// <summary>The defaults: strict, like PyTorch's <c>load_state_dict(strict=True)</c>.</summary>
    public static PyTorchLoadOptions Default { get; } = new();

    /// <summary>
    /// Whether tensors under a module's prefix that the module does not know are ignored (default false: they are an
    /// error, since a name the module does not expect usually means a different architecture). Tensors outside every
    /// prefix are always ignored.
    /// </summary>
    public bool IgnoreUnexpected { get; init; }
}

/// <summary>
/// Loads and saves PyTorch <c>state_dict</c> tensors, by name, in safetensors files. A load checks every tensor of
/// every module (present, same shape, a float element type) and reads them all before it changes any parameter, so a
/// failed load leaves the modules as they were.
/// </summary>
/// <example>
/// <code>
/// // torch: save_file(model.state_dict(), "model.safetensors"), with model.lstm = nn.LSTM(32, 64, num_layers=2)
/// using var file = SafeTensorsFile.Open("model.safetensors");
/// PyTorchStateDict.Load(file, PyTorchModule.Of(encoder), "lstm.");
/// </code>
/// </example>
public static class PyTorchStateDict
{
    /// <summary>Loads one module from tensors named <paramref name="prefix"/> + its tensor names.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="file">The open file.</param>
    /// <param name="module">The module (see <see cref="PyTorchModule"/>).</param>
    /// <param name="prefix">Prefix of the module's names in the file, such as <c>"encoder.lstm."</c>; empty for none.</param>
    /// <param name="options">Options, or null for <see cref="PyTorchLoadOptions.Default"/>.</param>
    public static void Load<T>(SafeTensorsFile file, IPyTorchModule<T> module, string prefix = "", PyTorchLoadOptions? options = null)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(prefix);
        Load(new SafeTensorsSource(file), new[] { (prefix, module) }, options);
    }

    /// <summary>Loads several modules in one all-or-nothing step, each from its own prefix.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="file">The open file.</param>
    /// <param name="modules">(prefix, module) pairs, such as <c>("lstm.", PyTorchModule.Of(lstm))</c>.</param>
    public static void Load<T>(SafeTensorsFile file, params (string Prefix, IPyTorchModule<T> Module)[] modules)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(modules);
        Load(new SafeTensorsSource(file), modules, null);
    }

    /// <summary>Opens <paramref name="path"/>, loads one module from it, and closes it.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="path">A safetensors file.</param>
    /// <param name="module">The module (see <see cref="PyTorchModule"/>).</param>
    /// <param name="prefix">Prefix of the module's names in the file; empty for none.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <param name="readOptions">Reader limits and the non-finite policy, or null for the defaults.</param>
    public static void Load<T>(string path, IPyTorchModule<T> module, string prefix = "", PyTorchLoadOptions? options = null, SafeTensorsReadOptions? readOptions = null)
        where T : unmanaged
    {
        using var file = SafeTensorsFile.Open(path, readOptions);
        Load(file, module, prefix, options);
    }

    /// <summary>Adds a module's tensors, named <paramref name="prefix"/> + its tensor names, in PyTorch's shapes.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="writer">The file being built.</param>
    /// <param name="module">The module.</param>
    /// <param name="prefix">Prefix of every name; empty for none.</param>
    public static void Save<T>(SafeTensorsWriter writer, IPyTorchModule<T> module, string prefix = "")
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(prefix);
        foreach (string name in module.PyTorchParameterNames)
        {
            var shape = module.PyTorchShape(name);
            var values = new T[ShapeProduct(shape)];
            module.ExportPyTorch(name, values);
            writer.Add<T>(prefix + name, values, shape);
        }
    }

    /// <summary>Writes one module as a safetensors checkpoint that <c>safetensors.torch.load_file</c> reads.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="path">The file, replaced.</param>
    /// <param name="module">The module.</param>
    /// <param name="prefix">Prefix of every name; empty for none.</param>
    public static void Save<T>(string path, IPyTorchModule<T> module, string prefix = "")
        where T : unmanaged
    {
        var writer = new SafeTensorsWriter();
        writer.SetMetadata("format", "pt");
        Save(writer, module, prefix);
        writer.Save(path);
    }

    internal static void Load<T>(ITensorSource source, IReadOnlyList<(string Prefix, IPyTorchModule<T> Module)> modules, PyTorchLoadOptions? options)
        where T : unmanaged
    {
        options ??= PyTorchLoadOptions.Default;
        var plan = new List<(IPyTorchModule<T> Module, string Name, T[] Values)>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (prefix, module) in modules)
        {
            ArgumentNullException.ThrowIfNull(prefix, nameof(modules));
            ArgumentNullException.ThrowIfNull(module, nameof(modules));
            foreach (string name in module.PyTorchParameterNames)
            {
                string key = prefix + name;
                var expected = module.PyTorchShape(name);
                if (!source.TryDescribe(key, out var found, out string elementType, out bool convertible))
                {
                    throw new WeightFileException(WeightFileError.MissingTensor, $"Tensor '{key}' is missing; expected shape {Format(expected)}.", key);
                }

                if (!SameShape(found, expected))
                {
                    throw new WeightFileException(WeightFileError.ShapeMismatch, $"Tensor '{key}' has shape {Format(found)}; expected {Format(expected)}.", key);
                }

                if (!convertible)
                {
                    throw new WeightFileException(WeightFileError.UnsupportedDType, $"Tensor '{key}' {Format(found)} is {elementType}; expected F16, BF16, F32 or F64.", key);
                }

                known.Add(key);
                plan.Add((module, name, new T[ShapeProduct(expected)]));
            }
        }

        if (!options.IgnoreUnexpected)
        {
            foreach (string name in source.Names)
            {
                foreach (var (prefix, _) in modules)
                {
                    if (name.StartsWith(prefix, StringComparison.Ordinal) && !known.Contains(name))
                    {
                        throw new WeightFileException(WeightFileError.UnexpectedTensor, $"Tensor '{name}' is under prefix '{prefix}' but the module has no '{name[prefix.Length..]}' (set IgnoreUnexpected to skip it).", name);
                    }
                }
            }
        }

        // Read everything (conversion and the non-finite check can still fail) before touching any parameter.
        int index = 0;
        foreach (var (prefix, module) in modules)
        {
            foreach (string name in module.PyTorchParameterNames)
            {
                source.Read(prefix + name, plan[index++].Values.AsSpan());
            }
        }

        foreach (var (module, name, values) in plan)
        {
            module.ImportPyTorch(name, values);
        }
    }

    internal static string Format<TDim>(IReadOnlyList<TDim> shape) => "[" + string.Join(", ", shape) + "]";

    private static int ShapeProduct(IReadOnlyList<int> shape)
    {
        long product = 1;
        foreach (int dimension in shape)
        {
            product *= dimension;
        }

        return checked((int)product);
    }

    private static bool SameShape(IReadOnlyList<long> found, IReadOnlyList<int> expected)
        => found.Count == expected.Count && found.Zip(expected).All(pair => pair.First == pair.Second);
}
