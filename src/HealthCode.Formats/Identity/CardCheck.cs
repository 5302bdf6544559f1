namespace HealthCode.Formats.Identity;

/// <summary>The outcome of checking the fields of a card as read (identity.md: well-formed, in date).</summary>
/// <param name="WellFormed">Resident ID card layout, 17 digits and a correct check character, digits 7-14 equal the birth field.</param>
/// <param name="InDate">Today in China Standard Time at the moment of reading lies within valid from .. valid to (inclusive).</param>
/// <param name="Number">The 18-character number with the check character in upper case; null unless <paramref name="WellFormed"/>.</param>
public readonly record struct CardCheck(bool WellFormed, bool InDate, string? Number)
{
    /// <summary>A card is valid when it is well-formed and in date.</summary>
    public bool Valid => WellFormed && InDate;

    /// <summary>Never prints the number (privacy).</summary>
    public override string ToString() => $"CardCheck(WellFormed = {(WellFormed ? "true" : "false")}, InDate = {(InDate ? "true" : "false")})";
}
