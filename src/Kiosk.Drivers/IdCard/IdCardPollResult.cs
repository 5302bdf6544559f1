namespace Kiosk.Drivers.IdCard;

/// <summary>What one <see cref="IdCardReader.PollAsync"/> found.</summary>
public enum IdCardPollOutcome
{
    /// <summary>No card on the reader (<c>80</c>), or the card found was taken away before it was read.</summary>
    NoCard,

    /// <summary>A card read whole: <see cref="IdCardPollResult.Card"/> is set.</summary>
    CardRead,

    /// <summary>A card was found but not read whole within the read timeout of finding it.</summary>
    CardUnreadable,

    /// <summary>The module reported a fault (<c>60</c>, <c>66</c>) or stayed silent: not a card.</summary>
    ModuleFault,

    /// <summary>No card was being read and the exchange failed (a bad frame, an unexpected status).</summary>
    TransferError,

    /// <summary>The serial port itself failed (unplugged, closed): the reader should be reopened.</summary>
    PortError,
}

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
