using System.Buffers.Binary;
using System.IO.Compression;

namespace HealthCode.Formats;

/// <summary>Layer 3: zlib (RFC 1950) with a hard cap on the inflated size, so a hostile code cannot exhaust memory.</summary>
public static class Zlib
{
    /// <summary>The inflate cap of health-code.md: 64 KiB.</summary>
    public const int DefaultMaxOutput = 64 * 1024;

    private const int HeaderBytes = 2;
    private const int TrailerBytes = 4;

    /// <summary>True when the bytes announce a zlib stream (first byte 0x78), the rule of health-code.md layer 3.</summary>
    public static bool LooksCompressed(ReadOnlySpan<byte> data) => data.Length > 0 && data[0] == 0x78;

    /// <summary>Inflates; false with a reason on a broken stream or when the output would exceed <paramref name="maxOutput"/>.</summary>
    public static bool TryInflate(byte[] compressed, int maxOutput, out byte[] output, out string? error)
    {
        output = [];
        try
        {
            using var input = new MemoryStream(compressed, writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var buffer = new byte[Math.Min(maxOutput + 1, Math.Max(256, compressed.Length * 4))];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > maxOutput)
                    {
                        error = $"inflated size exceeds the cap of {maxOutput} bytes";
                        return false;
                    }

                    Array.Resize(ref buffer, Math.Min(maxOutput + 1, buffer.Length * 2));
                }

                var read = zlib.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > maxOutput)
            {
                error = $"inflated size exceeds the cap of {maxOutput} bytes";
                return false;
            }

            // The inflater stops quietly where the input ends, whole stream or not. RFC 1950 ends a stream with the
            // Adler-32 of the inflated data: the last four bytes must be exactly that (a cut stream, or bytes after it, fail).
            if (compressed.Length < HeaderBytes + TrailerBytes
                || BinaryPrimitives.ReadUInt32BigEndian(compressed.AsSpan(compressed.Length - TrailerBytes)) != Adler32(buffer.AsSpan(0, total)))
            {
                error = "truncated zlib stream (it does not end with the Adler-32 of its data)";
                return false;
            }

            output = buffer.AsSpan(0, total).ToArray();
            error = null;
            return true;
        }
        catch (InvalidDataException ex)
        {
            error = $"broken zlib stream ({ex.Message.TrimEnd('.')})";
            return false;
        }
    }

    /// <summary>The Adler-32 checksum of RFC 1950.</summary>
    internal static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Modulus = 65521;
        const int Block = 5552; // the most bytes before the sums can overflow 32 bits
        uint a = 1, b = 0;
        while (data.Length > 0)
        {
            var block = data[..Math.Min(Block, data.Length)];
            foreach (var value in block)
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
            data = data[block.Length..];
        }

        return (b << 16) | a;
    }

    /// <summary>Compresses with the smallest output (for issuing: smaller codes mean sparser QR symbols).</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }
}
