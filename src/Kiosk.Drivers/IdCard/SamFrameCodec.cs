using System.Buffers.Binary;

namespace Kiosk.Drivers.IdCard;

/// <summary>
/// Frames of the SAM module protocol (GA 467), both directions: the preamble <c>AA AA AA 96 69</c>, <c>LEN</c>
/// (2 bytes, big-endian: the bytes after it, checksum included), the body, and <c>CHK</c>, the XOR of every byte from
/// the first length byte to the last body byte. Pure functions: no I/O, no allocation except the convenience encoders.
/// </summary>
/// <remarks>
/// A request body is <c>CMD PARA [data]</c>; a response body is <c>SW1 SW2 SW3 [data]</c>. Decoding never throws and
/// never returns data from a frame whose preamble, length or checksum is wrong: it returns the
/// <see cref="SamTransferError"/>.
/// </remarks>
public static class SamFrameCodec
{
    /// <summary>Bytes of the preamble.</summary>
    public const int PreambleLength = 5;

    /// <summary>Preamble and <c>LEN</c>: the bytes before the body.</summary>
    public const int HeaderLength = PreambleLength + 2;

    /// <summary>The smallest request <c>LEN</c>: <c>CMD PARA CHK</c>.</summary>
    public const int MinRequestLength = 3;

    /// <summary>The smallest response <c>LEN</c>: <c>SW1 SW2 SW3 CHK</c>.</summary>
    public const int MinResponseLength = 4;

    /// <summary>
    /// The largest <c>LEN</c> accepted. The longest reply the kiosk asks for (<c>30 01</c>) has
    /// 3 + 4 + 256 + 1024 + 1 = 1288; a longer length is refused before any of its bytes is buffered.
    /// </summary>
    public const int MaxLength = 1400;

    /// <summary>The largest frame accepted, header included.</summary>
    public const int MaxFrameLength = HeaderLength + MaxLength;

    /// <summary><c>AA AA AA 96 69</c>.</summary>
    public static ReadOnlySpan<byte> Preamble => [0xAA, 0xAA, 0xAA, 0x96, 0x69];

    /// <summary>The XOR of <paramref name="bytes"/> (the checksum over <c>LEN</c> and the body).</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        ulong wide = 0;
        var i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            wide ^= BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]);
        }

        wide ^= wide >> 32;
        wide ^= wide >> 16;
        wide ^= wide >> 8;
        var sum = (byte)wide;
        for (; i < bytes.Length; i++)
        {
            sum ^= bytes[i];
        }

        return sum;
    }

    /// <summary>The length of a whole request frame carrying <paramref name="dataLength"/> data bytes.</summary>
    public static int RequestFrameLength(int dataLength) => HeaderLength + MinRequestLength + dataLength;

    /// <summary>The length of a whole response frame carrying <paramref name="dataLength"/> data bytes.</summary>
    public static int ResponseFrameLength(int dataLength) => HeaderLength + MinResponseLength + dataLength;

    /// <summary>Writes the request frame <c>CMD PARA [data]</c> to <paramref name="destination"/>; returns its length.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small or the frame would exceed <see cref="MaxFrameLength"/>.</exception>
    public static int EncodeRequest(SamCommand command, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<byte> head = [(byte)((ushort)command >> 8), (byte)command];
        return Encode(head, data, destination);
    }

    /// <summary>The request frame <c>CMD PARA [data]</c>.</summary>
    public static byte[] EncodeRequest(SamCommand command, ReadOnlySpan<byte> data = default)
    {
        var frame = new byte[RequestFrameLength(data.Length)];
        EncodeRequest(command, data, frame);
        return frame;
    }

    /// <summary>Writes the response frame <c>SW1 SW2 SW3 [data]</c> to <paramref name="destination"/>; returns its length.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small or the frame would exceed <see cref="MaxFrameLength"/>.</exception>
    public static int EncodeResponse(SamStatus status, ReadOnlySpan<byte> data, Span<byte> destination, byte sw1 = 0, byte sw2 = 0)
    {
        Span<byte> head = [sw1, sw2, (byte)status];
        return Encode(head, data, destination);
    }

    /// <summary>The response frame <c>SW1 SW2 SW3 [data]</c>.</summary>
    public static byte[] EncodeResponse(SamStatus status, ReadOnlySpan<byte> data = default, byte sw1 = 0, byte sw2 = 0)
    {
        var frame = new byte[ResponseFrameLength(data.Length)];
        EncodeResponse(status, data, frame, sw1, sw2);
        return frame;
    }

    /// <summary>
    /// Checks the header of a frame being received: the preamble and <c>LEN</c> against
    /// <paramref name="minLength"/> … <see cref="MaxLength"/>. On success <paramref name="frameLength"/> is the whole
    /// frame's length; <see cref="SamTransferError.Truncated"/> means fewer than <see cref="HeaderLength"/> bytes were given.
    /// </summary>
    public static SamTransferError ReadHeader(ReadOnlySpan<byte> header, int minLength, out int frameLength)
    {
        frameLength = 0;
        var preamble = Preamble;
        var compared = Math.Min(header.Length, PreambleLength);
        if (!header[..compared].SequenceEqual(preamble[..compared]))
        {
            return SamTransferError.BadPreamble;
        }

        if (header.Length < HeaderLength)
        {
            return SamTransferError.Truncated;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header[PreambleLength..]);
        if (length < minLength || length > MaxLength)
        {
            return SamTransferError.BadLength;
        }

        frameLength = HeaderLength + length;
        return SamTransferError.None;
    }

    /// <summary>Decodes one whole response frame (nothing before or after it).</summary>
    /// <returns><see cref="SamTransferError.None"/> and the response, or the transfer error (then <paramref name="response"/> is empty).</returns>
    public static SamTransferError DecodeResponse(ReadOnlySpan<byte> frame, out SamResponse response)
    {
        response = default;
        var error = Check(frame, MinResponseLength, out var body);
        if (error == SamTransferError.None)
        {
            response = new SamResponse(body[0], body[1], (SamStatus)body[2], body[3..]);
        }

        return error;
    }

    /// <summary>Decodes one whole request frame (nothing before or after it).</summary>
    /// <returns><see cref="SamTransferError.None"/> and the request, or the transfer error (then <paramref name="request"/> is empty).</returns>
    public static SamTransferError DecodeRequest(ReadOnlySpan<byte> frame, out SamRequest request)
    {
        request = default;
        var error = Check(frame, MinRequestLength, out var body);
        if (error == SamTransferError.None)
        {
            request = new SamRequest((SamCommand)BinaryPrimitives.ReadUInt16BigEndian(body), body[2..]);
        }

        return error;
    }

    /// <summary>The index of the first preamble in <paramref name="buffer"/>, or -1.</summary>
    public static int IndexOfPreamble(ReadOnlySpan<byte> buffer) => buffer.IndexOf(Preamble);

    /// <summary>
    /// How many trailing bytes of <paramref name="buffer"/> (at most 4) could be the start of a preamble still arriving;
    /// the bytes before them can be discarded when no preamble was found.
    /// </summary>
    public static int PartialPreambleSuffix(ReadOnlySpan<byte> buffer)
    {
        var preamble = Preamble;
        for (var n = Math.Min(PreambleLength - 1, buffer.Length); n > 0; n--)
        {
            if (buffer[^n..].SequenceEqual(preamble[..n]))
            {
                return n;
            }
        }

        return 0;
    }

    private static SamTransferError Check(ReadOnlySpan<byte> frame, int minLength, out ReadOnlySpan<byte> body)
    {
        body = default;
        var error = ReadHeader(frame, minLength, out var frameLength);
        if (error != SamTransferError.None)
        {
            return error;
        }

        if (frame.Length < frameLength)
        {
            return SamTransferError.Truncated;
        }

        if (frame.Length > frameLength)
        {
            return SamTransferError.BadLength;
        }

        if (Checksum(frame[PreambleLength..^1]) != frame[^1])
        {
            return SamTransferError.BadChecksum;
        }

        body = frame[HeaderLength..^1];
        return SamTransferError.None;
    }

    private static int Encode(ReadOnlySpan<byte> head, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var length = head.Length + data.Length + 1;
        if (length > MaxLength)
        {
            throw new ArgumentException($"a frame body of {length} bytes exceeds the protocol's {MaxLength}", nameof(data));
        }

        var frameLength = HeaderLength + length;
        if (destination.Length < frameLength)
        {
            throw new ArgumentException($"the frame needs {frameLength} bytes", nameof(destination));
        }

        Preamble.CopyTo(destination);
        BinaryPrimitives.WriteUInt16BigEndian(destination[PreambleLength..], (ushort)length);
        head.CopyTo(destination[HeaderLength..]);
        data.CopyTo(destination[(HeaderLength + head.Length)..]);
        destination[frameLength - 1] = Checksum(destination[PreambleLength..(frameLength - 1)]);
        return frameLength;
    }
}
