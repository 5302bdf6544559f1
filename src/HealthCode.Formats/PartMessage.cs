namespace HealthCode.Formats;

/// <summary>
/// One part of a manifest (color-feed.md, "A province"): a plain CBOR map, not signed, bound to its manifest by the
/// SHA-256 of its bytes. Both arrays are always present; either may be empty.
/// </summary>
/// <param name="Index">The part's index in the manifest's <c>parts</c> (<c>i</c>).</param>
public sealed record PartMessage(string Feed, ulong Seq, ulong Index, IReadOnlyList<ColorRecord> Records, IReadOnlyList<DocumentRecord> DocRecords)
{
    /// <summary>Never prints records (privacy).</summary>
    public override string ToString() => $"PartMessage(seq {Seq}, i {Index}, {Records.Count} records, {DocRecords.Count} docRecords)";
}
