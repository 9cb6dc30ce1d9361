using System;
using System.Collections.Generic;
using System.Linq;
using Simd.GradCheck;
using Xunit;

namespace Simd.Tests.GradCheck;

/// <summary>
/// The PyTorch-index → storage maps of <see cref="ParameterTensors"/> agree with the models' own import: changing
/// element j of a tensor and importing it changes exactly the stored parameter the map names.
/// </summary>
public sealed class ParameterTensorsTests
{
    [Fact]
    public void Network_tensors_map_every_element_where_import_puts_it()
    {
        IRecurrentNetwork<double> network = new LstmNet3x6P2L2BiD();
        network.InitializeParameters(3);
        var tensors = ParameterTensors.Of(network);
        Assert.Equal(network.PyTorchParameterNames, tensors.Select(static t => t.Name));
        Assert.Equal(network.ParameterCount, tensors.Sum(static t => t.StorageIndices.Count));
        Assert.Equal(new[] { 4 * 6, 2 }, tensors.Single(static t => t.Name == "weight_hh_l1_reverse").Shape);
        Assert.Equal(new[] { 2, 6 }, tensors.Single(static t => t.Name == "weight_hr_l0").Shape);
        Assert.Equal(new[] { 4 * 6, 2 * 2 }, tensors.Single(static t => t.Name == "weight_ih_l1").Shape);
        foreach (var tensor in tensors)
        {
            AssertMap(() => network.Parameters.ToArray(), p => p.CopyTo(network.Parameters), tensor, network.ExportPyTorch, network.ImportPyTorch);
        }
    }

    [Fact]
    public void Attention_tensors_map_every_element_where_import_puts_it()
    {
        IAttentionCell<double>[] cells = [new AttnMha9h3D(), new AttnAdd13x6x17v11D(), new AttnGeneral5x11v3D(), new AttnConcat6x9a10D()];
        foreach (var cell in cells)
        {
            cell.InitializeParameters(4);
            var tensors = ParameterTensors.Of(cell);
            Assert.Equal(cell.ParameterNames, tensors.Select(static t => t.Name));
            foreach (var tensor in tensors)
            {
                Assert.Equal(cell.ParameterLength(tensor.Name), tensor.Shape.Aggregate(1, static (a, b) => a * b));
                AssertMap(() => cell.Parameters.ToArray(), p => p.CopyTo(cell.Parameters), tensor, cell.ExportParameter, cell.ImportParameter);
            }
        }

        Assert.Equal(new[] { 27, 9 }, ParameterTensors.Of(new AttnMha9h3D()).Single(static t => t.Name == "in_proj_weight").Shape);
        Assert.Equal(new[] { 17, 13 }, ParameterTensors.Of(new AttnAdd13x6x17v11D()).Single(static t => t.Name == "query_weight").Shape);
    }

    [Fact]
    public void Projected_cell_tensors_map_every_element_where_import_puts_it()
    {
        IProjectedLstmCell<double> cell = new LstmP7x13p5D();
        cell.InitializeParameters(5);
        var tensors = ParameterTensors.Of(cell);
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0" }, tensors.Select(static t => t.Name));
        Assert.Equal(new[] { 52, 5 }, tensors[1].Shape);
        Assert.Equal(new[] { 5, 13 }, tensors[4].Shape);

        // The five tensors travel together through the five-tensor import and export.
        var lengths = tensors.Select(static t => t.StorageIndices.Count).ToArray();
        void Export(string name, Span<double> tensor)
        {
            var all = lengths.Select(static n => new double[n]).ToArray();
            cell.ExportPyTorch(all[0], all[1], all[2], all[3], all[4]);
            all[tensors.ToList().FindIndex(t => t.Name == name)].CopyTo(tensor);
        }

        void Import(string name, ReadOnlySpan<double> tensor)
        {
            var all = lengths.Select(static n => new double[n]).ToArray();
            cell.ExportPyTorch(all[0], all[1], all[2], all[3], all[4]);
            tensor.CopyTo(all[tensors.ToList().FindIndex(t => t.Name == name)]);
            cell.ImportPyTorch(all[0], all[1], all[2], all[3], all[4]);
        }

        foreach (var tensor in tensors)
        {
            AssertMap(() => cell.Parameters.ToArray(), p => p.CopyTo(cell.Parameters), tensor, Export, Import);
        }
    }

    [Fact]
    public void The_probe_leaves_the_parameters_bit_for_bit()
    {
        IHiddenStateCell<double> cell = new Gru7x13D();
        cell.InitializeParameters(6);
        cell.Parameters[3] = -0.0;
        cell.Parameters[4] = double.Epsilon;
        var before = cell.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();
        Assert.Equal(3 * 13, ParameterTensors.Of(cell)[2].StorageIndices.Count);
        Assert.Equal(before, cell.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray());
    }

    private delegate void Exporter(string name, Span<double> tensor);

    private delegate void Importer(string name, ReadOnlySpan<double> tensor);

    /// <summary>For every element (all of them: the models are small), import a +1 change and find the one stored parameter that moves.</summary>
    private static void AssertMap(Func<double[]> read, Action<double[]> write, ParameterTensor tensor, Exporter export, Importer import)
    {
        var original = read();
        var values = new double[tensor.StorageIndices.Count];
        export(tensor.Name, values);
        var exported = values.ToArray();
        for (var j = 0; j < values.Length; j++)
        {
            exported.CopyTo(values, 0);
            values[j] += 1;
            import(tensor.Name, values);
            var changed = read();
            var moved = Enumerable.Range(0, original.Length).Where(i => changed[i] != original[i]).ToArray();
            write(original);
            Assert.True(moved.Length == 1 && moved[0] == tensor.StorageIndices[j], $"{tensor.Name}[{j}]: import moved [{string.Join(",", moved)}], map says {tensor.StorageIndices[j]}");
        }
    }
}
