namespace HealthCode.Formats;

/// <summary>Claim -1001 of a health code (health-code.md), already decoded and type-checked.</summary>
/// <param name="Id">Code identity.</param>
/// <param name="Color">Color at issue.</param>
/// <param name="ColorTime">Epoch seconds at which that color took effect (<c>ct</c>).</param>
/// <param name="MaskedName">Holder name as masked by the issuer.</param>
/// <param name="Proxy">Registered on the holder's behalf (<c>p</c>).</param>
/// <param name="Document">The holder's ID card as a docRef (<c>d</c>, identity.md), when the code carries one.</param>
public sealed record HealthCodeClaim(CodeId Id, HealthColor Color, long ColorTime, string MaskedName, bool Proxy, Identity.DocRef? Document = null)
{
    /// <summary>Never prints the name, id or color (privacy).</summary>
    public override string ToString() => "HealthCodeClaim(redacted)";
}
