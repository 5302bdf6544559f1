namespace HealthCode.Formats;

/// <summary>One color statement: from a code's own claim or from a feed record.</summary>
/// <param name="Issuer">Region of the issuer (<c>iss</c>), e.g. <c>CN-HL</c>.</param>
/// <param name="Id">Code identity.</param>
/// <param name="Color">The color.</param>
/// <param name="ColorTime">Epoch seconds at which the color took effect (<c>ct</c>).</param>
public readonly record struct ColorRecord(string Issuer, CodeId Id, HealthColor Color, long ColorTime);
