using System.Formats.Cbor;

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

    /// <summary>
    /// A claims map like the issuer's (iss CN-HL, exp, iat, claim -1001 with v, id, c, ct, n), written by hand so a test can
    /// put any CBOR in <c>exp</c>, <c>iat</c> or a <c>d</c> (written first in claim -1001 when given). By default iat is a
    /// minute before <see cref="Now"/> and exp four minutes after, as integers.
    /// </summary>
    public static byte[] ClaimsPayload(Action<CborWriter>? exp = null, Action<CborWriter>? iat = null, Action<CborWriter>? d = null)
    {
        var w = new CborWriter(CborConformanceMode.Lax);
        w.WriteStartMap(4);
        w.WriteInt32(1);
        w.WriteTextString("CN-HL");
        w.WriteInt32(4);
        (exp ?? (x => x.WriteInt64(Now.AddMinutes(4).ToUnixTimeSeconds())))(w);
        w.WriteInt32(6);
        (iat ?? (x => x.WriteInt64(Now.AddMinutes(-1).ToUnixTimeSeconds())))(w);
        w.WriteInt32(-1001);
        w.WriteStartMap(d is null ? 5 : 6);
        if (d is not null)
        {
            w.WriteTextString("d");
            d(w);
        }

        w.WriteTextString("v");
        w.WriteTextString("1");
        w.WriteTextString("id");
        w.WriteByteString(new byte[16]);
        w.WriteTextString("c");
        w.WriteInt32(0);
        w.WriteTextString("ct");
        w.WriteInt64(Now.AddDays(-1).ToUnixTimeSeconds());
        w.WriteTextString("n");
        w.WriteTextString("王*明");
        w.WriteEndMap();
        w.WriteEndMap();
        return w.Encode();
    }

    /// <summary>The HCN1 text of <see cref="ClaimsPayload"/> signed with <see cref="Es256"/>.</summary>
    public static string SignedText(byte[] claims) => HealthCodeIssuer.EncodeText(new HealthCodeIssuer(Es256).Sign(claims));

    public static string Code(SigningKey? key = null, string iss = "CN-HL", HealthColor color = HealthColor.Green, DateTimeOffset? iat = null, TimeSpan? lifetime = null) =>
        new HealthCodeIssuer(key ?? Es256).Issue(iss, iat ?? Now.AddMinutes(-1), (iat ?? Now.AddMinutes(-1)) + (lifetime ?? TimeSpan.FromMinutes(5)), Claim(color: color));
}
