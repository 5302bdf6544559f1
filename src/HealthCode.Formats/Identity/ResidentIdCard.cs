using System.Globalization;

namespace HealthCode.Formats.Identity;

/// <summary>
/// The rules of a resident ID card (居民身份证) that need no hardware: the citizen number's check character (GB 11643,
/// ISO 7064 MOD 11-2), its agreement with the birth field, the layout flag and the validity dates in China Standard Time.
/// Pure functions of the fields; never throws on any field text.
/// </summary>
public static class ResidentIdCard
{
    /// <summary>Characters of a citizen number.</summary>
    public const int NumberLength = 18;

    /// <summary>The layout flag (text character 124) of a resident ID card; other layouts use <c>I</c>, <c>J</c> or <c>Y</c>.</summary>
    public const char ResidentLayoutFlag = ' ';

    /// <summary>The valid-to field of a card with no end (长期).</summary>
    public const string NoEnd = "长期";

    /// <summary>China Standard Time, the offset of "today" for the validity check.</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    // GB 11643: the weight of position i (from the left, 0-based) is 2^(17-i) mod 11.
    private static ReadOnlySpan<byte> Weights => [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    private const string CheckCharacters = "10X98765432";

    /// <summary>Checks a card's fields as the reader returned them (surrounding padding spaces are ignored).</summary>
    /// <param name="number">The citizen number field.</param>
    /// <param name="birth">The birth field, <c>YYYYMMDD</c>.</param>
    /// <param name="layoutFlag">Text character 124: a space for a resident ID card.</param>
    /// <param name="validFrom">Validity start, <c>YYYYMMDD</c>.</param>
    /// <param name="validTo">Validity end, <c>YYYYMMDD</c> or <c>长期</c>.</param>
    /// <param name="readAt">The instant the card was read; its date in UTC+8 is "today".</param>
    public static CardCheck Check(string? number, string? birth, char layoutFlag, string? validFrom, string? validTo, DateTimeOffset readAt)
    {
        var normalized = layoutFlag == ResidentLayoutFlag && TryNormalizeNumber(Trim(number), out var n) && BirthMatches(n, Trim(birth)) ? n : null;
        return new CardCheck(normalized is not null, IsInDate(validFrom, validTo, readAt), normalized);
    }

    /// <summary>True when <paramref name="number"/> is 17 ASCII digits and the right check character (<c>0</c>-<c>9</c>, <c>X</c>; <c>x</c> read as <c>X</c>).</summary>
    public static bool IsValidNumber(ReadOnlySpan<char> number) => TryNormalizeNumber(number, out _);

    /// <summary>The number with an upper-case check character, when it is a valid citizen number.</summary>
    public static bool TryNormalizeNumber(ReadOnlySpan<char> number, out string normalized)
    {
        normalized = string.Empty;
        if (number.Length != NumberLength || !TryCheckCharacter(number[..17], out var expected))
        {
            return false;
        }

        var actual = number[17] == 'x' ? 'X' : number[17];
        if (actual != expected)
        {
            return false;
        }

        normalized = string.Concat(number[..17], [expected]);
        return true;
    }

    /// <summary>The check character of the first 17 characters of a number: <c>10X98765432</c>[Σ digit × weight mod 11].</summary>
    /// <returns>False when <paramref name="first17"/> is not 17 ASCII digits.</returns>
    public static bool TryCheckCharacter(ReadOnlySpan<char> first17, out char check)
    {
        check = default;
        if (first17.Length != 17)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var c = first17[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            sum += (c - '0') * Weights[i];
        }

        check = CheckCharacters[sum % 11];
        return true;
    }

    /// <summary>Composes a valid number: the 6-digit area code, the birth date and a 3-digit sequence (odd for men, even for women), then the check character.</summary>
    /// <exception cref="ArgumentException">The area is not 6 digits, or the sequence is outside 0..999.</exception>
    public static string Compose(string area, DateOnly birth, int sequence)
    {
        ArgumentNullException.ThrowIfNull(area);
        if (area.Length != 6 || !area.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("The area code is 6 digits.", nameof(area));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 999);
        var first17 = area + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + sequence.ToString("000", CultureInfo.InvariantCulture);
        TryCheckCharacter(first17, out var check);
        return first17 + check;
    }

    /// <summary>True when today (China Standard Time at <paramref name="readAt"/>) lies within the validity, both ends inclusive.
    /// An unreadable date is not in date; <c>长期</c> as the end has no end.</summary>
    public static bool IsInDate(string? validFrom, string? validTo, DateTimeOffset readAt)
    {
        if (!TryParseDate(Trim(validFrom), out var from))
        {
            return false;
        }

        var today = ChinaDate(readAt);
        if (today < from)
        {
            return false;
        }

        var to = Trim(validTo);
        if (to.SequenceEqual(NoEnd))
        {
            return true;
        }

        return TryParseDate(to, out var end) && today <= end;
    }

    /// <summary>The calendar date in China Standard Time (UTC+8) at <paramref name="instant"/>.</summary>
    public static DateOnly ChinaDate(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        return DateOnly.FromDateTime(utc <= DateTime.MaxValue - ChinaStandardTime ? utc + ChinaStandardTime : DateTime.MaxValue);
    }

    /// <summary>Reads a <c>YYYYMMDD</c> field: exactly 8 ASCII digits forming a real calendar date.</summary>
    public static bool TryParseDate(ReadOnlySpan<char> yyyymmdd, out DateOnly date)
    {
        date = default;
        if (yyyymmdd.Length != 8)
        {
            return false;
        }

        foreach (var c in yyyymmdd)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return DateOnly.TryParseExact(yyyymmdd, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static bool BirthMatches(string number, ReadOnlySpan<char> birth) =>
        TryParseDate(birth, out _) && number.AsSpan(6, 8).SequenceEqual(birth);

    private static ReadOnlySpan<char> Trim(string? field) => field.AsSpan().Trim(' ');
}
