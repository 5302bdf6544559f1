namespace HealthCode.Formats;

/// <summary>One color statement about a person known by ID card (a feed's <c>docRecords</c> entry, identity.md).</summary>
/// <param name="DocRef">The card as a docRef.</param>
/// <param name="Color">The color.</param>
/// <param name="ColorTime">Epoch seconds at which the color took effect (<c>ct</c>).</param>
public readonly record struct DocumentRecord(Identity.DocRef DocRef, HealthColor Color, long ColorTime)
{
    /// <summary>Never prints the docRef or the color (privacy).</summary>
    public override string ToString() => "DocumentRecord(redacted)";
}
