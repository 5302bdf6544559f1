namespace Kiosk.Display;

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
