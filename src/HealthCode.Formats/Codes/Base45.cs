namespace HealthCode.Formats;

/// <summary>Base45 (RFC 9285): two bytes become three characters of a 45-character alphabet that QR alphanumeric mode stores compactly.</summary>
public static class Base45
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    private static readonly sbyte[] Values = BuildValues();

    /// <summary>Encodes <paramref name="data"/>.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var length = data.Length / 2 * 3 + (data.Length % 2 == 1 ? 2 : 0);
        var chars = new char[length];
        var o = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            var n = data[i] * 256 + data[i + 1];
            chars[o++] = Alphabet[n % 45];
            n /= 45;
            chars[o++] = Alphabet[n % 45];
            chars[o++] = Alphabet[n / 45];
        }

        if (i < data.Length)
        {
            chars[o++] = Alphabet[data[i] % 45];
            chars[o] = Alphabet[data[i] / 45];
        }

        return new string(chars);
    }

    /// <summary>The decoded length of <paramref name="charCount"/> characters, or -1 when that count cannot be Base45 (a dangling single character).</summary>
    public static int DecodedLength(int charCount) => charCount % 3 == 1 ? -1 : charCount / 3 * 2 + (charCount % 3 == 2 ? 1 : 0);

    /// <summary>Decodes into a new array; returns false with a reason on a character outside the alphabet, a dangling character or a triple above 65535.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] data, out string? error)
    {
        var length = DecodedLength(text.Length);
        if (length < 0)
        {
            data = [];
            error = $"dangling single character at the end (length {text.Length})";
            return false;
        }

        data = new byte[length];
        if (!TryDecode(text, data, out error))
        {
            data = [];
            return false;
        }

        return true;
    }

    /// <summary>Decodes into <paramref name="destination"/>, which must be exactly <see cref="DecodedLength"/> bytes long.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out string? error)
    {
        var length = DecodedLength(text.Length);
        if (length < 0)
        {
            error = $"dangling single character at the end (length {text.Length})";
            return false;
        }

        if (destination.Length != length)
        {
            throw new ArgumentException($"The destination must be {length} bytes.", nameof(destination));
        }

        var o = 0;
        var i = 0;
        for (; i + 2 < text.Length; i += 3)
        {
            if (!TryValue(text[i], out var c) || !TryValue(text[i + 1], out var d) || !TryValue(text[i + 2], out var e))
            {
                error = BadCharacter(text, i, 3);
                return false;
            }

            var n = c + d * 45 + e * 45 * 45;
            if (n > 0xFFFF)
            {
                error = $"triple at offset {i} encodes {n}, above 65535";
                return false;
            }

            destination[o++] = (byte)(n >> 8);
            destination[o++] = (byte)n;
        }

        if (i < text.Length)
        {
            if (!TryValue(text[i], out var c) || !TryValue(text[i + 1], out var d))
            {
                error = BadCharacter(text, i, 2);
                return false;
            }

            var n = c + d * 45;
            if (n > 0xFF)
            {
                error = $"final pair at offset {i} encodes {n}, above 255";
                return false;
            }

            destination[o] = (byte)n;
        }

        error = null;
        return true;
    }

    private static bool TryValue(char c, out int value)
    {
        value = c < 128 ? Values[c] : -1;
        return value >= 0;
    }

    private static string BadCharacter(ReadOnlySpan<char> text, int start, int count)
    {
        for (var k = start; k < start + count; k++)
        {
            if (!TryValue(text[k], out _))
            {
                return $"character U+{(int)text[k]:X4} at offset {k} is not in the Base45 alphabet";
            }
        }

        return $"bad characters at offset {start}";
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var k = 0; k < Alphabet.Length; k++)
        {
            values[Alphabet[k]] = (sbyte)k;
        }

        return values;
    }
}
