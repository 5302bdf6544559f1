using System.Buffers.Binary;
using System.Text;

namespace Kiosk.Drivers.IdCard;

/// <summary>
/// A card for <see cref="SamModuleEmulator"/>: every field of the text, including the address and a 1024-byte photo
/// that the module sends and the driver must discard.
/// </summary>
/// <param name="Number">Citizen number (at most 18 characters).</param>
/// <param name="Name">姓名 (at most 15 characters).</param>
/// <param name="Birth"><c>YYYYMMDD</c>.</param>
/// <param name="ValidFrom"><c>YYYYMMDD</c>.</param>
/// <param name="ValidTo"><c>YYYYMMDD</c> or <c>长期</c>.</param>
public sealed record EmulatedIdCard(string Number, string Name, string Birth, string ValidFrom, string ValidTo)
{
    /// <summary>Text character 124: a space for a resident ID card; <c>I</c>, <c>J</c>, <c>Y</c> for other layouts.</summary>
    public char LayoutFlag { get; init; } = ' ';

    /// <summary><c>1</c> male, <c>2</c> female.</summary>
    public char Sex { get; init; } = '1';

    /// <summary>Nation code (2 characters).</summary>
    public string Nation { get; init; } = "01";

    /// <summary>住址 (at most 35 characters).</summary>
    public string Address { get; init; } = "黑龙江省哈尔滨市道里区某街1号";

    /// <summary>签发机关 (at most 15 characters).</summary>
    public string Authority { get; init; } = "哈尔滨市公安局道里分局";

    /// <summary>The compressed photo as the card holds it: 1024 bytes (by default a pattern that is not all zeros).</summary>
    public byte[] Photo { get; init; } = DefaultPhoto();

    /// <summary>Never prints a field (privacy).</summary>
    public override string ToString() => "EmulatedIdCard(redacted)";

    /// <summary>The 256-byte UTF-16LE text: fixed fields right-padded with spaces, the layout flag at character 124.</summary>
    /// <exception cref="ArgumentException">A field is longer than its width.</exception>
    public byte[] EncodeText()
    {
        var chars = new char[IdCardTextLayout.TextChars];
        Array.Fill(chars, ' ');
        Put(chars, IdCardTextLayout.Name, Name, nameof(Name));
        Put(chars, IdCardTextLayout.Sex, Sex.ToString(), nameof(Sex));
        Put(chars, IdCardTextLayout.Nation, Nation, nameof(Nation));
        Put(chars, IdCardTextLayout.Birth, Birth, nameof(Birth));
        Put(chars, IdCardTextLayout.Address, Address, nameof(Address));
        Put(chars, IdCardTextLayout.Number, Number, nameof(Number));
        Put(chars, IdCardTextLayout.Authority, Authority, nameof(Authority));
        Put(chars, IdCardTextLayout.ValidFrom, ValidFrom, nameof(ValidFrom));
        Put(chars, IdCardTextLayout.ValidTo, ValidTo, nameof(ValidTo));
        chars[IdCardTextLayout.LayoutFlagIndex] = LayoutFlag;
        return Encoding.Unicode.GetBytes(chars);
    }

    /// <summary>The data of the <c>30 01</c> reply: text length, photo length (big-endian), text, photo.</summary>
    public byte[] EncodeReadReplyData()
    {
        if (Photo.Length != IdCardTextLayout.PhotoBytes)
        {
            throw new ArgumentException($"the photo must be {IdCardTextLayout.PhotoBytes} bytes", nameof(Photo));
        }

        var data = new byte[4 + IdCardTextLayout.TextBytes + IdCardTextLayout.PhotoBytes];
        BinaryPrimitives.WriteUInt16BigEndian(data, IdCardTextLayout.TextBytes);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), IdCardTextLayout.PhotoBytes);
        EncodeText().CopyTo(data, 4);
        Photo.CopyTo(data, 4 + IdCardTextLayout.TextBytes);
        return data;
    }

    private static void Put(char[] chars, (int Offset, int Length) field, string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length > field.Length)
        {
            throw new ArgumentException($"{name} holds at most {field.Length} characters", name);
        }

        value.CopyTo(0, chars, field.Offset, value.Length);
    }

    private static byte[] DefaultPhoto()
    {
        // "WL" then a deterministic pseudo-random body, like the compressed image a card holds.
        var photo = new byte[IdCardTextLayout.PhotoBytes];
        new Random(1024).NextBytes(photo);
        photo[0] = (byte)'W';
        photo[1] = (byte)'L';
        return photo;
    }
}
