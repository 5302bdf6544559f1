using HealthCode.Formats;

namespace HealthCode.Formats.Tests;

/// <summary>Keys, claims and instants shared by the tests. Keys are fresh per test run.</summary>
internal static class TestKeys
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    public static readonly SigningKey Es256 = SigningKey.CreateEs256();

    public static readonly SigningKey Ps256 = SigningKey.CreatePs256();

    public static readonly SigningKey Other = SigningKey.CreateEs256();

    public static TrustList Trust { get; } = new([
        Es256.ToTrustedIssuer("CN-HL", Now.AddDays(-300), Now.AddDays(300)),
        Ps256.ToTrustedIssuer("CN-HL", Now.AddDays(-300), Now.AddDays(300)),
    ]);

    public static HealthCodeClaim Claim(byte seed = 1, HealthColor color = HealthColor.Green, bool proxy = false)
    {
        var id = new byte[16];
        id.AsSpan().Fill(seed);
        return new HealthCodeClaim(CodeId.FromBytes(id), color, Now.AddDays(-3).ToUnixTimeSeconds(), "王*明", proxy);
    }

    public static string Code(SigningKey? key = null, string iss = "CN-HL", HealthColor color = HealthColor.Green, DateTimeOffset? iat = null, TimeSpan? lifetime = null) =>
        new HealthCodeIssuer(key ?? Es256).Issue(iss, iat ?? Now.AddMinutes(-1), (iat ?? Now.AddMinutes(-1)) + (lifetime ?? TimeSpan.FromMinutes(5)), Claim(color: color));
}
