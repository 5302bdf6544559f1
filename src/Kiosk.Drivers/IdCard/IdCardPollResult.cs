namespace Kiosk.Drivers.IdCard;

/// <summary>The outcome of one poll (find → select → read, with retries for a found card).</summary>
/// <param name="Outcome">What the poll found.</param>
/// <param name="At">When the poll ended.</param>
/// <param name="FoundAt">When the module first answered <c>9F</c> for this card; null when no card was found.</param>
/// <param name="Card">The card, when <see cref="IdCardPollOutcome.CardRead"/>.</param>
/// <param name="Status">The status of the last reply that decided the outcome, if any.</param>
/// <param name="TransferError">The last transfer error of the poll, if any.</param>
/// <param name="Detail">Technical text for a technician (never card data): why the poll failed.</param>
public readonly record struct IdCardPollResult(
    IdCardPollOutcome Outcome,
    DateTimeOffset At,
    DateTimeOffset? FoundAt,
    IdCardText? Card,
    SamStatus? Status,
    SamTransferError TransferError,
    string? Detail)
{
    /// <summary>The poll could not look at the reader (a module fault, a transfer error without a card, a port error).</summary>
    public bool Failed => Outcome is IdCardPollOutcome.ModuleFault or IdCardPollOutcome.TransferError or IdCardPollOutcome.PortError;

    /// <summary>Outcome and technical detail only (privacy).</summary>
    public override string ToString() => Detail is null ? $"IdCardPollResult({Outcome})" : $"IdCardPollResult({Outcome}: {Detail})";
}
