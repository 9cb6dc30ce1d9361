using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Simd.Interop;
using Xunit;

namespace Simd.Tests.Interop;

/// <summary>The safetensors reader and writer: exact round trips, exact 16-bit conversions, and one test per documented error.</summary>
public sealed class SafeTensorsTests
{
    private static readonly SafeTensorsReadOptions AllowAll = new() { NonFinite = NonFiniteWeights.Allow };

    private static Arbitrary<int[]> Shapes() =>
        Arb.From(from rank in Gen.Choose(0, 3) from dims in Gen.ArrayOf(Gen.Choose(0, 7), rank) select dims);

    [Fact]
    public void FloatAndDoubleTensorsRoundTripBitForBit()
    {
        var cases = Arb.From(
            from shapes in Gen.ArrayOf(Shapes().Generator, 1 + 3)
            from seed in Gen.Choose(0, int.MaxValue)
            select (shapes, seed));
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(cases, c =>
        {
            var random = new Random(c.seed);
            var writer = new SafeTensorsWriter();
            var floats = new float[c.shapes.Length][];
            var doubles = new double[c.shapes.Length][];
            for (int t = 0; t < c.shapes.Length; t++)
            {
                int count = c.shapes[t].Aggregate(1, (a, b) => a * b);

                // Every bit pattern: NaN payloads, infinities, subnormals and negative zero must survive unchanged.
                floats[t] = Enumerable.Range(0, count).Select(_ => BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31))).ToArray();
                doubles[t] = Enumerable.Range(0, count).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64() ^ ((long)random.Next(2) << 63))).ToArray();
                writer.Add($"f{t}", floats[t], c.shapes[t]);
                writer.Add($"d{t}.weight", doubles[t], c.shapes[t]);
            }

            using var file = SafeTensorsFile.Parse(writer.ToArray(), AllowAll);
            for (int t = 0; t < c.shapes.Length; t++)
            {
                Assert.True(file.TryGetTensor($"f{t}", out var info));
                Assert.Equal(SafeTensorsDType.F32, info.DType);
                Assert.Equal(c.shapes[t].Select(d => (long)d), info.Shape);
                var f = new float[floats[t].Length];
                file.ReadTensor<float>($"f{t}", f);
                Assert.Equal(floats[t].Select(BitConverter.SingleToInt32Bits), f.Select(BitConverter.SingleToInt32Bits));
                var d = new double[doubles[t].Length];
                file.ReadTensor<double>($"d{t}.weight", d);
                Assert.Equal(doubles[t].Select(BitConverter.DoubleToInt64Bits), d.Select(BitConverter.DoubleToInt64Bits));
            }
        }));
    }

    [Fact]
    public void WriterPadsTheHeaderToEightBytesAndRecordsMetadata()
    {
        var writer = new SafeTensorsWriter();
        writer.SetMetadata("format", "pt");
        writer.Add("a", new float[] { 1, 2, 3 }, 3);
        writer.Add("b", new double[] { 4 }, 1, 1);
        byte[] bytes = writer.ToArray();
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal(8 + headerLength + 12 + 8, bytes.Length);
        using var file = SafeTensorsFile.Parse(bytes);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(new[] { "a", "b" }, file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void EveryHalfAndBFloat16BitPatternConvertsExactly()
    {
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        var data = new byte[bits.Length * 2];
        for (int i = 0; i < bits.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), bits[i]);
        }

        byte[] file = Build($"{{\"h\":{{\"dtype\":\"F16\",\"shape\":[65536],\"data_offsets\":[0,{data.Length}]}},\"b\":{{\"dtype\":\"BF16\",\"shape\":[65536],\"data_offsets\":[{data.Length},{2 * data.Length}]}}}}", data.Concat(data).ToArray());
        using var reader = SafeTensorsFile.Parse(file, AllowAll);
        var half = new double[65536];
        var bfloat = new float[65536];
        reader.ReadTensor<double>("h", half);
        reader.ReadTensor<float>("b", bfloat);
        for (int i = 0; i < bits.Length; i++)
        {
            AssertSameValue(Decode(bits[i], exponentBits: 5, mantissaBits: 10), half[i], $"F16 0x{i:X4}");
            AssertSameValue(Decode(bits[i], exponentBits: 8, mantissaBits: 7), bfloat[i], $"BF16 0x{i:X4}");
        }
    }

    [Fact]
    public void DoubleTensorsReadIntoFloatRoundToNearest()
    {
        var values = new[] { 0.1, 1.0 / 3, -2.5e-40, 1e300 };
        var writer = new SafeTensorsWriter();
        writer.Add("x", values, 4);
        using var file = SafeTensorsFile.Parse(writer.ToArray(), AllowAll);
        var read = new float[4];
        file.ReadTensor<float>("x", read);
        Assert.Equal(values.Select(v => (float)v), read);
    }

    [Fact]
    public void OpenReadsFromDiskAndClosesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"simd-st-{Guid.NewGuid():N}.safetensors");
        try
        {
            var writer = new SafeTensorsWriter();
            writer.Add("w", Enumerable.Range(0, 3000).Select(i => (float)i).ToArray(), 30, 100); // spans several read chunks
            writer.Save(path);
            using (var file = SafeTensorsFile.Open(path))
            {
                var values = new float[3000];
                file.ReadTensor<float>("w", values);
                Assert.Equal(Enumerable.Range(0, 3000).Select(i => (float)i), values);
            }

            File.Delete(path); // fails on some systems if the handle were still open
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, string, int, WeightFileError> HostileHeaders => new()
    {
        { "invalid JSON", "{\"a\":", 0, WeightFileError.Malformed },
        { "not an object", "[1,2]", 0, WeightFileError.Malformed },
        { "too deep", "{\"a\":{\"shape\":[[1]]}}", 0, WeightFileError.Malformed },
        { "missing offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, WeightFileError.Malformed },
        { "unknown field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4, WeightFileError.Malformed },
        { "trailing content", "{}{}", 0, WeightFileError.Malformed },
        { "unknown dtype", "{\"a\":{\"dtype\":\"F48\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, WeightFileError.UnsupportedDType },
        { "numeric dtype", "{\"a\":{\"dtype\":\"7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, WeightFileError.UnsupportedDType },
        { "negative dimension", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, WeightFileError.InvalidShape },
        { "fractional dimension", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4, WeightFileError.InvalidShape },
        { "shape product overflows", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", 4, WeightFileError.InvalidShape },
        { "byte count overflows", "{\"a\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,4]}}", 4, WeightFileError.InvalidShape },
        { "end beyond data", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, WeightFileError.OffsetOutOfRange },
        { "reversed offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4, WeightFileError.OffsetOutOfRange },
        { "huge offset", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551615]}}", 4, WeightFileError.OffsetOutOfRange },
        { "size mismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8, WeightFileError.SizeMismatch },
        { "overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, WeightFileError.OverlappingTensors },
        { "hole", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, WeightFileError.UncoveredData },
        { "trailing data", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, WeightFileError.UncoveredData },
        { "duplicate", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, WeightFileError.DuplicateTensor },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void HostileHeadersFailWithTheirOwnError(string label, string header, int dataBytes, WeightFileError error)
    {
        var e = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Parse(Build(header, new byte[dataBytes])));
        Assert.True(error == e.Error, $"{label}: {e.Error}: {e.Message}");
    }

    [Fact]
    public void FilesShorterThanTheLengthPrefixAreTruncated()
    {
        for (int length = 0; length < 8; length++)
        {
            Assert.Equal(WeightFileError.Truncated, Assert.Throws<WeightFileException>(() => SafeTensorsFile.Parse(new byte[length])).Error);
        }
    }

    [Fact]
    public void AHeaderOfGigabytesIsRejectedBeforeAnythingIsAllocated()
    {
        var file = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(file, 3UL << 30);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<WeightFileException>(() => SafeTensorsFile.Parse(file));
        Assert.Equal(WeightFileError.HeaderLengthBeyondFile, e.Error);
        Assert.Contains("3221225472", e.Message, StringComparison.Ordinal);

        // A real file larger than the limit: refused by the limit, still without reading the header.
        var limited = new SafeTensorsReadOptions { MaxHeaderBytes = 16 };
        var valid = new SafeTensorsWriter();
        valid.Add("a", new float[] { 1 }, 1);
        Assert.Equal(WeightFileError.TooLarge, Assert.Throws<WeightFileException>(() => SafeTensorsFile.Parse(valid.ToArray(), limited)).Error);

        // The two exceptions and their messages: a few kilobytes, nothing like the announced gigabytes.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 10);
    }

    [Fact]
    public void EveryTruncationOfAValidFileFails()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("weight", new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        writer.Add("bias", new double[] { 7, 8 }, 2);
        byte[] bytes = writer.ToArray();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<WeightFileException>(() => SafeTensorsFile.Parse(bytes.AsMemory(0, length)));
        }
    }

    [Fact]
    public void NonFiniteWeightsAreRejectedByDefaultAndOtherwiseWarnedOrAllowed()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", new float[] { 1, float.NaN, 3 }, 3);
        byte[] bytes = writer.ToArray();
        var values = new float[3];

        using var strict = SafeTensorsFile.Parse(bytes);
        var e = Assert.Throws<WeightFileException>(() => strict.ReadTensor<float>("w", values));
        Assert.Equal(WeightFileError.NonFiniteValue, e.Error);
        Assert.Equal("w", e.TensorName);
        Assert.Contains("element 1", e.Message, StringComparison.Ordinal);

        string? warning = null;
        using var warned = SafeTensorsFile.Parse(bytes, new SafeTensorsReadOptions { NonFinite = NonFiniteWeights.Warn, Warning = w => warning = w });
        warned.ReadTensor<float>("w", values);
        Assert.Contains("'w'", warning, StringComparison.Ordinal);
        Assert.True(float.IsNaN(values[1]));
    }

    [Fact]
    public void IntegerTensorsAreListedButNotConverted()
    {
        byte[] file = Build("{\"steps\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", new byte[8]);
        using var reader = SafeTensorsFile.Parse(file);
        Assert.Equal(SafeTensorsDType.I64, reader.Tensors[0].DType);
        var e = Assert.Throws<WeightFileException>(() => reader.ReadTensor<float>("steps", new float[1]));
        Assert.Equal(WeightFileError.UnsupportedDType, e.Error);
        Assert.Contains("I64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongDestinationLengthIsAnArgumentError()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", new float[] { 1, 2, 3 }, 3);
        using var file = SafeTensorsFile.Parse(writer.ToArray());
        var e = Assert.Throws<ArgumentException>(() => file.ReadTensor<float>("w", new float[2]));
        Assert.Equal("destination", e.ParamName);
        Assert.Contains("expected 3", e.Message, StringComparison.Ordinal);
    }

    /// <summary>8-byte length, header, data.</summary>
    internal static byte[] Build(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    /// <summary>IEEE binary decoding from the definition: (−1)^s · 2^(e − bias) · 1.m, subnormals 2^(1 − bias) · 0.m.</summary>
    private static double Decode(int bits, int exponentBits, int mantissaBits)
    {
        int sign = (bits >> (exponentBits + mantissaBits)) & 1;
        int exponent = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
        int mantissa = bits & ((1 << mantissaBits) - 1);
        int bias = (1 << (exponentBits - 1)) - 1;
        double magnitude = exponent == (1 << exponentBits) - 1
            ? (mantissa == 0 ? double.PositiveInfinity : double.NaN)
            : exponent == 0
                ? Math.ScaleB(mantissa, 1 - bias - mantissaBits)
                : Math.ScaleB((1 << mantissaBits) + mantissa, exponent - bias - mantissaBits);
        return sign == 1 ? -magnitude : magnitude;
    }

    private static void AssertSameValue(double expected, double actual, string label)
    {
        bool same = double.IsNaN(expected) ? double.IsNaN(actual) : expected.Equals(actual) && double.IsNegative(expected) == double.IsNegative(actual);
        Assert.True(same, $"{label}: expected {expected:R}, read {actual:R}");
    }
}
