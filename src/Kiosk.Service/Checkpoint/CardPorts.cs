namespace Kiosk.Service.Checkpoint;

// The card reader as the checkpoint sees it (identity.md). The SAM-protocol driver is in Kiosk.Drivers/IdCard; the
// adapter that turns its polls into sightings (and raises card_reader_fault) is in Kiosk.Service/Identity.

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

/// <summary>What one look at the reader found.</summary>
public enum CardReadKind
{
    /// <summary>No card on the reader.</summary>
    NoCard,

    /// <summary>A card read whole: <see cref="CardSighting.Card"/> is set.</summary>
    Read,

    /// <summary>A card was found (<c>9F</c>) but not read whole within <c>Identity:ReadTimeout</c> of finding it.</summary>
    Unreadable,

    /// <summary>The module is faulty or silent (<c>60</c>, <c>66</c>, no answer): not a card; no decision is made on it.</summary>
    ReaderFault,
}

/// <summary>One look at the card reader.</summary>
/// <param name="At">When the look ended.</param>
/// <param name="Kind">What it found.</param>
/// <param name="Card">The card, when <see cref="CardReadKind.Read"/>.</param>
/// <param name="FoundAt">When the reader first found this card (<c>9F</c>); a decision's latency counts from it.</param>
public readonly record struct CardSighting(DateTimeOffset At, CardReadKind Kind, IdentityCard? Card, DateTimeOffset FoundAt);

/// <summary>The ID card reader, polled: one sighting per poll (find → select → read).</summary>
public interface ICardReader
{
    IAsyncEnumerable<CardSighting> ReadAsync(CancellationToken cancellationToken);
}
