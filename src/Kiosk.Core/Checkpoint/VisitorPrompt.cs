namespace Kiosk.Core.Checkpoint;

/// <summary>
/// What the checkpoint tells the visitor now, before anything is drawn or said: <see cref="PromptTable.For"/> gives its row
/// of the prompt table, whose texts the screen draws (<c>Screen/ScreenPrompts</c>) and whose clip the voice plays. The
/// reason stays here, in the backend: the table turns it into a neutral message, and a color is never shown or said.
/// </summary>
/// <param name="Kind">The prompt.</param>
/// <param name="Status">The kiosk's status line.</param>
/// <param name="MaskedName">The holder's masked name, so the visitor sees the code is theirs.</param>
/// <param name="Proxy">The code is held on the holder's behalf (代).</param>
/// <param name="Reason">Why a visitor is referred (<see cref="PromptKind.Refer"/> only).</param>
/// <param name="Detail">Technical detail of an offline or fault prompt (<c>data</c>, <c>clock</c>, <c>camera</c>).</param>
/// <param name="OffersCard">The idle prompt offers the ID card reader to visitors without a code.</param>
/// <param name="TemperatureC">The body temperature measured (PASS only: the screen shows it, as commercial terminals
/// do, unless <c>Display:ShowTemperature</c> is off); never on a REFER.</param>
public sealed record VisitorPrompt(
    PromptKind Kind,
    StatusLine Status,
    string? MaskedName = null,
    bool Proxy = false,
    Reason? Reason = null,
    string? Detail = null,
    bool OffersCard = false,
    double? TemperatureC = null);
