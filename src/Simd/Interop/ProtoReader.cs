using System;
using System.Buffers.Binary;
using System.Text;

namespace Simd.Interop;

/// <summary>
/// A bounds-checked reader of protobuf wire format over one message's bytes: every length is checked against what
/// remains before it is used, so a corrupt or hostile file ends in a <see cref="WeightFileException"/>, never in an
/// out-of-range read or an allocation larger than the input.
/// </summary>
internal struct ProtoReader
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlyMemory<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlyMemory<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        ulong tag = ReadVarint();
        ulong field = tag >> 3;
        if (field == 0 || field > int.MaxValue)
        {
            throw Malformed($"field number {field}");
        }

        return ((int)field, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        var span = _data.Span;
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= span.Length)
            {
                throw Truncated("a varint");
            }

            byte b = span[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Malformed("a varint longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFloat() => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(Take(4).Span));

    public double ReadDouble() => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(Take(8).Span));

    /// <summary>The bytes of a length-delimited field (a sub-message, string, bytes or packed array), not copied.</summary>
    public ReadOnlyMemory<byte> ReadBytes()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Truncated($"a field of {length} bytes ({_data.Length - _position} remain)");
        }

        return Take((int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes().Span);

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Take(4); break;
            default: throw Malformed($"wire type {wireType}");
        }
    }

    /// <summary>Throws unless the field has the wire type its schema gives it.</summary>
    public static void Expect(int wireType, int expected, string field)
    {
        if (wireType != expected)
        {
            throw new WeightFileException(WeightFileError.Malformed, $"The ONNX file is not valid protobuf: {field} has wire type {wireType}, expected {expected}.");
        }
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Truncated($"{count} bytes");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static WeightFileException Truncated(string what) => new(WeightFileError.Truncated, $"The ONNX file ends inside {what}.");

    private static WeightFileException Malformed(string what) => new(WeightFileError.Malformed, $"The ONNX file is not valid protobuf: {what}.");
}
