namespace Kiosk.Core.Checkpoint;

/// <summary>A resident ID card as read: only the fields identity.md uses. Address and photo are never held.</summary>
/// <param name="Number">The 18-character citizen number as read (trimmed).</param>
/// <param name="Name">姓名, padding trimmed.</param>
/// <param name="Birth">Birth field, <c>YYYYMMDD</c> as read.</param>
/// <param name="ValidFrom">Validity start, <c>YYYYMMDD</c> as read.</param>
/// <param name="ValidTo">Validity end, <c>YYYYMMDD</c> or <c>长期</c>, as read.</param>
/// <param name="LayoutFlag">Text character 124: a space for a resident ID card; <c>I</c>, <c>J</c>, <c>Y</c> for other layouts.</param>
public sealed record IdentityCard(string Number, string Name, string Birth, string ValidFrom, string ValidTo, char LayoutFlag)
{
    /// <summary>The name masked the issuers' way (identity.md, "Screens and events"), for the screen only.</summary>
    public string MaskedName => MaskName(Name);

    /// <summary>
    /// Masks a name as issuers do, counting characters (text elements, so a character outside the Basic Multilingual
    /// Plane is one) after the padding is trimmed: one character <c>*</c>; two <c>王*</c>; three or more the first and
    /// the last with one <c>*</c> for each character between (<c>王*明</c>, <c>欧**明</c>).
    /// </summary>
    public static string MaskName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        var starts = System.Globalization.StringInfo.ParseCombiningCharacters(trimmed);
        return starts.Length switch
        {
            0 => string.Empty,
            1 => "*",
            2 => string.Concat(trimmed.AsSpan(0, starts[1]), "*"),
            _ => string.Concat(trimmed.AsSpan(0, starts[1]), new string('*', starts.Length - 2), trimmed.AsSpan(starts[^1])),
        };
    }

    /// <summary>Never prints a field (privacy).</summary>
    public override string ToString() => "IdentityCard(redacted)";
}
