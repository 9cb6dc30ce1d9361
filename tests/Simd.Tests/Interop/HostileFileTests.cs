using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using Simd.Interop;
using Xunit;

namespace Simd.Tests.Interop;

/// <summary>
/// Thousands of corrupted and random files through both readers: each must load, or end in a
/// <see cref="WeightFileException"/> — no other exception, no crash, no hang — and allocate at most
/// <see cref="AllocationBound"/>.
/// </summary>
/// <remarks>
/// The bound is 64 KiB + 16 bytes per byte of input. A reader that trusted a length, count or offset from the file
/// (a header length of gigabytes, a shape of 2⁶⁰ elements, a varint length beyond the end) would allocate that and
/// blow far past it; honest work is proportional to the input (the header copy, names, shapes, one double per
/// weight when an ONNX model is imported, the exception and its message).
/// </remarks>
public sealed class HostileFileTests
{
    private const int SafeTensorsCases = 4000;
    private const int OnnxCases = 2000;

    private static long AllocationBound(int inputLength) => (64 << 10) + (16L * inputLength);

    [Fact]
    public void CorruptedAndRandomSafeTensorsFilesEndInAWeightFileException()
    {
        var random = new Random(20261126);
        var options = new SafeTensorsReadOptions { NonFinite = NonFiniteWeights.Allow };
        var seeds = Enumerable.Range(0, 8).Select(i => ValidSafeTensors(random)).ToArray();
        int loaded = 0, rejected = 0;
        for (int n = 0; n < SafeTensorsCases; n++)
        {
            byte[] file = n % 4 == 3 ? RandomHeaderFile(random) : Mutate(seeds[random.Next(seeds.Length)], random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var reader = SafeTensorsFile.Parse(file, options);
                foreach (var tensor in reader.Tensors.Where(t => t.DType is SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.F32 or SafeTensorsDType.F64))
                {
                    reader.ReadTensor<double>(tensor, new double[tensor.ElementCount]);
                }

                loaded++;
            }
            catch (WeightFileException)
            {
                rejected++;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= AllocationBound(file.Length), $"case {n}: {allocated} bytes allocated for a {file.Length}-byte file: {Convert.ToBase64String(file)}");
        }

        // Both outcomes must occur, or the mutations are too weak (or too strong) to test anything.
        Assert.True(loaded > 100 && rejected > 1000, $"loaded {loaded}, rejected {rejected}");
    }

    [Fact]
    public void CorruptedOnnxModelsEndInAWeightFileExceptionAndLeaveTheTargetUnchanged()
    {
        var random = new Random(7);
        var seeds = new[]
        {
            new OnnxRecurrentModel("LSTM", 3, 5, 2, 1, 2, 1, 1).Bytes,
            new OnnxRecurrentModel("LSTM", 3, 5, 2, 1, 2, 1, 2, rawData: true).Bytes,
        };
        var network = new LstmNet3x5L2();
        int loaded = 0, rejected = 0;
        for (int n = 0; n < OnnxCases; n++)
        {
            byte[] file = Mutate(seeds[n % 2], random);
            network.InitializeParameters(1);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                OnnxImport.Load(OnnxModel.Parse(file), network);
                loaded++;
            }
            catch (WeightFileException)
            {
                rejected++;
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated <= AllocationBound(file.Length), $"case {n}: {allocated} bytes allocated for a {file.Length}-byte model");
                var fresh = new LstmNet3x5L2();
                fresh.InitializeParameters(1);
                Assert.True(fresh.Parameters.SequenceEqual(network.Parameters), $"case {n}: a failed import changed the parameters");
                continue;
            }

            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before <= AllocationBound(file.Length), $"case {n}: over the allocation bound");
        }

        Assert.True(loaded > 50 && rejected > 500, $"loaded {loaded}, rejected {rejected}");
    }

    private static byte[] ValidSafeTensors(Random random)
    {
        var writer = new SafeTensorsWriter();
        int count = random.Next(1, 5);
        for (int t = 0; t < count; t++)
        {
            int rows = random.Next(0, 6), columns = random.Next(1, 9);
            if (random.Next(2) == 0)
            {
                writer.Add($"layer{t}.weight", Enumerable.Range(0, rows * columns).Select(i => (float)random.NextDouble()).ToArray(), rows, columns);
            }
            else
            {
                writer.Add($"layer{t}.bias", Enumerable.Range(0, columns).Select(i => random.NextDouble()).ToArray(), columns);
            }
        }

        return writer.ToArray();
    }

    /// <summary>One of: byte flips anywhere, digit changes in the header (offsets, shapes), a rewritten length prefix, truncation, appended bytes, a duplicated span.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(6))
        {
            case 0:
                for (int i = random.Next(1, 5); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                var digits = Enumerable.Range(0, Math.Min(bytes.Length, 400)).Where(i => bytes[i] is >= (byte)'0' and <= (byte)'9').ToArray();
                if (digits.Length > 0)
                {
                    bytes[digits[random.Next(digits.Length)]] = (byte)('0' + random.Next(10));
                }
                else
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 2:
                ulong[] lengths = { 0, 1, 7, (ulong)bytes.Length, (ulong)bytes.Length - 8, 1UL << 31, 1UL << 40, ulong.MaxValue, (ulong)random.NextInt64() };
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, lengths[random.Next(lengths.Length)]);
                return bytes;
            case 3:
                return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
            case 4:
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                return bytes.Concat(extra).ToArray();
            default:
                int start = random.Next(bytes.Length), length = random.Next(1, Math.Min(64, bytes.Length - start + 1));
                return bytes.Take(start + length).Concat(bytes.Skip(start)).ToArray();
        }
    }

    /// <summary>A length prefix and a header of random JSON-ish tokens from the format's vocabulary, then random data.</summary>
    private static byte[] RandomHeaderFile(Random random)
    {
        string[] tokens =
        {
            "{", "}", "[", "]", ",", ":", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"F16\"",
            "\"BF16\"", "\"F64\"", "\"I8\"", "\"w\"", "\"b\"", "0", "1", "4", "8", "-1", "1e400", "18446744073709551616",
            "9223372036854775807", "4294967296", "null", "true", "\"", "\\u0000", " ",
        };
        var header = new StringBuilder();
        if (random.Next(2) == 0)
        {
            header.Append("{\"w\":{\"dtype\":");
        }

        for (int i = random.Next(0, 40); i > 0; i--)
        {
            header.Append(tokens[random.Next(tokens.Length)]);
        }

        var data = new byte[random.Next(0, 48)];
        random.NextBytes(data);
        return SafeTensorsTests.Build(header.ToString(), data);
    }
}
