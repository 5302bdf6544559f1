namespace Kiosk.Core.Checkpoint;

/// <summary>
/// One row of <see cref="PromptTable"/>: what the visitor is told in one situation, both as the screen draws it and as
/// the voice says it.
/// </summary>
/// <param name="Name">The prompt's stable name: its voice clips are <c>NAME.zh.wav</c> and <c>NAME.en.wav</c>, and
/// <c>kiosk speak NAME</c> plays them. A name never changes once shipped (sites record their own clips to it).</param>
/// <param name="Kind">The screen the prompt is drawn on; null for a prompt that is only spoken (the assist button).</param>
/// <param name="Headline">The screen's headline; null only for a spoken-only prompt.</param>
/// <param name="Body">The line under the headline (and the masked name): an instruction, or a REFER's neutral message.</param>
/// <param name="Hint">A smaller line under that.</param>
/// <param name="Spoken">The sentence of the voice clip (<c>Voice/Clips/prompts.tsv</c> is written from it).</param>
/// <param name="Refer">A REFER prompt's neutral message: its key in the table.</param>
/// <param name="OffersCard">An idle prompt that offers the ID card reader to visitors without a code.</param>
public sealed record PromptEntry(
    string Name,
    PromptKind? Kind,
    PromptText? Headline,
    PromptText? Body,
    PromptText? Hint,
    PromptText Spoken,
    ReferMessage? Refer = null,
    bool OffersCard = false);
