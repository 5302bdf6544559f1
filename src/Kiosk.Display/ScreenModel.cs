namespace Kiosk.Display;

/// <summary>Which screen the visitor sees.</summary>
public enum ScreenKind
{
    /// <summary>Show your code; no code? see staff with an ID document.</summary>
    Idle,

    /// <summary>Hold still, forehead to the sensor.</summary>
    Measuring,

    /// <summary>请通行 / Please pass, with the masked name.</summary>
    Pass,

    /// <summary>请联系工作人员 / Please see staff, with a neutral message.</summary>
    Refer,

    /// <summary>Color data stale or clock fault: the kiosk cannot decide.</summary>
    Offline,

    /// <summary>A device fault.</summary>
    Fault,

    /// <summary>请将身份证放在读卡区 / Place your ID card on the reader (identity.md, document mode).</summary>
    PlaceCard,
}

/// <summary>The stable names of the screens (<c>kiosk render --screen</c>, capture file names): <c>idle</c>, <c>place_card</c>, ...</summary>
public static class ScreenKindNames
{
    /// <summary>Every screen's name, in enum order.</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<ScreenKind>().Select(Of).ToArray();

    /// <summary>The snake_case name of <paramref name="kind"/>.</summary>
    public static string Of(ScreenKind kind) => kind switch
    {
        ScreenKind.PlaceCard => "place_card",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The screen of a name (snake_case, case-insensitive; <c>place-card</c> and <c>placecard</c> too); null when unknown.</summary>
    public static ScreenKind? Parse(string name)
    {
        var key = name.Trim().ToLowerInvariant().Replace('-', '_');
        foreach (var kind in Enum.GetValues<ScreenKind>())
        {
            if (key == Of(kind) || key == kind.ToString().ToLowerInvariant())
            {
                return kind;
            }
        }

        return null;
    }
}

/// <summary>The neutral sub-message of a REFER screen. None of them reveals a color.</summary>
public enum ReferMessage
{
    /// <summary>Generic: please see staff.</summary>
    SeeStaff,

    /// <summary>The QR is not a health code.</summary>
    CodeNotRecognized,

    /// <summary>The code could not be verified.</summary>
    CodeNotVerified,

    /// <summary>The code has expired: refresh it.</summary>
    CodeExpired,

    /// <summary>The code is not valid yet: check the phone's clock.</summary>
    CodeNotYetValid,

    /// <summary>The temperature could not be taken.</summary>
    TemperatureNotTaken,

    /// <summary>A further check is needed (used for a color outcome and for a high temperature alike).</summary>
    FurtherCheck,

    /// <summary>The ID card does not match the code (<c>identity_mismatch</c>).</summary>
    CardMismatch,

    /// <summary>The holder's ID card could not confirm the code (<c>identity_unconfirmed</c>).</summary>
    IdentityNotConfirmed,

    /// <summary>The ID card could not be read (<c>document_invalid</c>).</summary>
    CardUnreadable,

    /// <summary>The ID card is out of date (<c>document_expired</c>).</summary>
    CardOutOfDate,

    /// <summary>No record was found for the card: please see staff (<c>no_record</c>).</summary>
    NoRecord,
}

/// <summary>Which languages to draw.</summary>
public enum ScreenLanguage
{
    Both,
    Chinese,
    English,
}

/// <summary>The technician's status strip: time, connectivity, data freshness.</summary>
/// <param name="LocalTime">Wall time to show (already in the kiosk's display time zone).</param>
/// <param name="Online">Connected to the fleet broker.</param>
/// <param name="ColorDataAge">Age of the color data; null when never synced.</param>
/// <param name="KioskId">Kiosk id for the technician.</param>
public sealed record StatusStrip(DateTimeOffset LocalTime, bool Online, TimeSpan? ColorDataAge, string KioskId);

/// <summary>Everything a screen shows. The display knows nothing else about the checkpoint.</summary>
/// <param name="Kind">Which screen.</param>
/// <param name="Status">The status strip.</param>
/// <param name="MaskedName">Holder name as masked by the issuer (after a valid code), or the card's name masked the issuers' way (card path).</param>
/// <param name="Proxy">Show the "代" mark (registered on the holder's behalf).</param>
/// <param name="Refer">Sub-message of a REFER screen.</param>
/// <param name="Language">Languages to draw.</param>
/// <param name="Detail">Short technical detail for the fault/offline screens (e.g. "thermometer"), never personal data.</param>
/// <param name="OffersCard">The idle screen offers the ID card reader to visitors without a code (a reader is configured).</param>
public sealed record ScreenModel(
    ScreenKind Kind,
    StatusStrip Status,
    string? MaskedName = null,
    bool Proxy = false,
    ReferMessage Refer = ReferMessage.SeeStaff,
    ScreenLanguage Language = ScreenLanguage.Both,
    string? Detail = null,
    bool OffersCard = false);
