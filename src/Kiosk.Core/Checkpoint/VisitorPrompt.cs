namespace Kiosk.Core.Checkpoint;

/// <summary>
/// What the checkpoint tells the visitor now, before anything is drawn or said: the screen (<c>Screen/ScreenPrompts</c>)
/// turns it into its model and the voice speaks what the screen shows. The reason stays here, in the backend: the
/// screen maps it to a neutral message and never shows a color.
/// </summary>
/// <param name="Kind">The prompt.</param>
/// <param name="Status">The kiosk's status line.</param>
/// <param name="MaskedName">The holder's masked name, so the visitor sees the code is theirs.</param>
/// <param name="Proxy">The code is held on the holder's behalf (代).</param>
/// <param name="Reason">Why a visitor is referred (<see cref="PromptKind.Refer"/> only).</param>
/// <param name="Detail">Technical detail of an offline or fault prompt (<c>data</c>, <c>clock</c>, <c>camera</c>).</param>
/// <param name="OffersCard">The idle prompt offers the ID card reader to visitors without a code.</param>
public sealed record VisitorPrompt(
    PromptKind Kind,
    StatusLine Status,
    string? MaskedName = null,
    bool Proxy = false,
    Reason? Reason = null,
    string? Detail = null,
    bool OffersCard = false);
