using HealthCode.Formats.Identity;

namespace Kiosk.Core.Checkpoint;

/// <summary>What a card-path decision keeps of the card: the docRef (for <c>codeRef</c>) and the masked name (for the screen).</summary>
/// <param name="DocRef">The card's docRef; null when the kiosk has no docKey or the card was not well-formed.</param>
/// <param name="MaskedName">The card's name masked the issuers' way; null when the card was not read.</param>
public sealed record CardPathCard(DocRef? DocRef, string? MaskedName)
{
    /// <summary>Never prints the docRef or the name.</summary>
    public override string ToString() => "CardPathCard(redacted)";
}
