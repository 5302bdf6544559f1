namespace Kiosk.Display;

/// <summary>
/// Everything a screen shows: a background, an icon, a headline with the lines under it, and the status strip. The
/// display draws what it is handed and knows nothing about the checkpoint: which screens there are and what they say is
/// decided above it (the kiosk's prompt table and screen looks), so the display holds no list of screens of its own.
/// </summary>
/// <param name="Icon">The icon left of the text; its shape alone tells the screens apart.</param>
/// <param name="Tone">The background.</param>
/// <param name="Status">The status strip.</param>
/// <param name="Headline">The headline.</param>
/// <param name="Lines">The lines under the headline (and under the masked name), top to bottom.</param>
/// <param name="MaskedName">Holder name as masked by the issuer (after a valid code), or the card's name masked the
/// issuers' way (card path), drawn under the headline; null = none.</param>
/// <param name="Proxy">Show the "代" mark (registered on the holder's behalf) with the name.</param>
/// <param name="Language">Languages to draw.</param>
/// <param name="Detail">Short technical detail drawn last (e.g. "thermometer"), never personal data; null = none.</param>
public sealed record ScreenModel(
    ScreenIcon Icon,
    ScreenTone Tone,
    StatusStrip Status,
    ScreenLine Headline,
    IReadOnlyList<ScreenLine> Lines,
    string? MaskedName = null,
    bool Proxy = false,
    ScreenLanguage Language = ScreenLanguage.Both,
    string? Detail = null);
