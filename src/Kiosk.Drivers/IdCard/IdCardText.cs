using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Kiosk.Drivers.IdCard;

/// <summary>
/// The fields of a resident ID card's text that the kiosk keeps: number, name, birth, validity, layout flag. The
/// address, the photo and the other fields are never decoded and never held.
/// </summary>
/// <param name="Number">Citizen number as read, padding trimmed (18 characters on a well-formed card).</param>
/// <param name="Name">姓名, padding trimmed.</param>
/// <param name="Birth"><c>YYYYMMDD</c> as read.</param>
/// <param name="ValidFrom"><c>YYYYMMDD</c> as read.</param>
/// <param name="ValidTo"><c>YYYYMMDD</c> or <c>长期</c> as read.</param>
/// <param name="LayoutFlag">Text character 124: a space for a resident ID card; <c>I</c>, <c>J</c>, <c>Y</c> for other layouts.</param>
public sealed record IdCardText(string Number, string Name, string Birth, string ValidFrom, string ValidTo, char LayoutFlag)
{
    /// <summary>Never prints a field (privacy).</summary>
    public override string ToString() => "IdCardText(redacted)";

    /// <summary>
    /// Parses the data of a successful <c>30 01</c> reply: text length (big-endian, 256), photo length (big-endian),
    /// the text, the photo. Only the kept fields are decoded from the text; the photo is skipped.
    /// </summary>
    /// <returns>False (and null) when the lengths disagree with the data or the text is not 256 bytes.</returns>
    public static bool TryParse(ReadOnlySpan<byte> readReplyData, [NotNullWhen(true)] out IdCardText? text)
    {
        text = null;
        if (readReplyData.Length < 4)
        {
            return false;
        }

        var textLength = BinaryPrimitives.ReadUInt16BigEndian(readReplyData);
        var photoLength = BinaryPrimitives.ReadUInt16BigEndian(readReplyData[2..]);
        if (textLength != IdCardTextLayout.TextBytes || readReplyData.Length != 4 + textLength + photoLength)
        {
            return false;
        }

        var fields = readReplyData.Slice(4, textLength);
        var flagAt = IdCardTextLayout.LayoutFlagIndex * 2;
        text = new IdCardText(
            Field(fields, IdCardTextLayout.Number),
            Field(fields, IdCardTextLayout.Name),
            Field(fields, IdCardTextLayout.Birth),
            Field(fields, IdCardTextLayout.ValidFrom),
            Field(fields, IdCardTextLayout.ValidTo),
            (char)BinaryPrimitives.ReadUInt16LittleEndian(fields[flagAt..]));
        return true;
    }

    private static string Field(ReadOnlySpan<byte> text, (int Offset, int Length) field) =>
        Encoding.Unicode.GetString(text.Slice(field.Offset * 2, field.Length * 2)).TrimEnd(IdCardTextLayout.Padding);
}

/// <summary>The fixed fields of the 256-byte UTF-16LE text (offsets and lengths in characters), right-padded with spaces.</summary>
internal static class IdCardTextLayout
{
    public const int TextBytes = 256;
    public const int PhotoBytes = 1024;
    public const int TextChars = TextBytes / 2;

    /// <summary>Character 124 (text bytes 248-249), inside the reserved field.</summary>
    public const int LayoutFlagIndex = 124;

    public static readonly (int Offset, int Length) Name = (0, 15);
    public static readonly (int Offset, int Length) Sex = (15, 1);
    public static readonly (int Offset, int Length) Nation = (16, 2);
    public static readonly (int Offset, int Length) Birth = (18, 8);
    public static readonly (int Offset, int Length) Address = (26, 35);
    public static readonly (int Offset, int Length) Number = (61, 18);
    public static readonly (int Offset, int Length) Authority = (79, 15);
    public static readonly (int Offset, int Length) ValidFrom = (94, 8);
    public static readonly (int Offset, int Length) ValidTo = (102, 8);
    public static readonly (int Offset, int Length) Reserved = (110, 18);

    /// <summary>What fields are padded with (a NUL is trimmed too: some modules pad with it).</summary>
    public static readonly char[] Padding = [' ', '\0'];
}
