using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using HealthCode.Formats.Feed;

namespace HealthCode.Formats.Tests.Feed;

/// <summary>
/// ECDSA public-key recovery (SEC 1 v2, 4.1.6) and the authority key from signed feed messages: the curve arithmetic
/// against published point-multiplication vectors, then round trips through keys and COSE messages made by .NET.
/// </summary>
public sealed class AuthorityKeyRecoveryTests
{
    private static BigInteger Big(string text) => text.StartsWith("0x", StringComparison.Ordinal)
        ? BigInteger.Parse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
        : BigInteger.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>k·G on P-256: the NIST point-multiplication test vectors (point-at-infinity.org/ecc/nisttv), k up to n − 1.</summary>
    [Theory]
    [InlineData("1", "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296", "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5")]
    [InlineData("2", "7CF27B188D034F7E8A52380304B51AC3C08969E277F21B35A60B48FC47669978", "07775510DB8ED040293D9AC69F7430DBBA7DADE63CE982299E04B79D227873D1")]
    [InlineData("3", "5ECBE4D1A6330A44C8F7EF951D4BF165E6C6B721EFADA985FB41661BC6E7FD6C", "8734640C4998FF7E374B06CE1A64A2ECD82AB036384FB83D9A79B127A27D5032")]
    [InlineData("5", "51590B7A515140D2D784C85608668FDFEF8C82FD1F5BE52421554A0DC3D033ED", "E0C17DA8904A727D8AE1BF36BF8A79260D012F00D4D80888D1D0BB44FDA16DA4")]
    [InlineData("20", "83A01A9378395BAB9BCD6A0AD03CC56D56E6B19250465A94A234DC4C6B28DA9A", "76E49B6DE2F73234AE6A5EB9D612B75C9F2202BB6923F54FF8240AAA86F640B8")]
    [InlineData("112233445566778899", "339150844EC15234807FE862A86BE77977DBFB3AE3D96F4C22795513AEAAB82F", "B1C14DDFDC8EC1B2583F51E85A5EB3A155840F2034730E9B5ADA38B674336A21")]
    [InlineData("112233445566778899112233445566778899", "1B7E046A076CC25E6D7FA5003F6729F665CC3241B5ADAB12B498CD32F2803264", "BFEA79BE2B666B073DB69A2A241ADAB0738FE9D2DD28B5604EB8C8CF097C457B")]
    [InlineData("12078056106883488161242983286051341125085761470677906721917479268909056", "5E6C8524B6369530B12C62D31EC53E0288173BD662BDF680B53A41ECBCAD00CC", "447FE742C2BFEF4D0DB14B5B83A2682309B5618E0064A94804E9282179FE089F")]
    [InlineData("0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632550", "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296", "B01CBD1C01E58065711814B583F061E9D431CCA994CEA1313449BF97C840AE0A")]
    public void P256ScalarMultiplicationGivesTheNistVectors(string k, string x, string y)
    {
        var point = EcPrimeCurve.P256.MultiplyBase(Big(k));

        Assert.NotNull(point);
        Assert.Equal((Big("0x" + x), Big("0x" + y)), point.Value);
    }

    /// <summary>k·G on P-384, the same published set.</summary>
    [Theory]
    [InlineData("1", "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7", "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F")]
    [InlineData("7", "283C1D7365CE4788F29F8EBF234EDFFEAD6FE997FBEA5FFA2D58CC9DFA7B1C508B05526F55B9EBB2040F05B48FB6D0E1", "9475C99061E41B88BA52EFDB8C1690471A61D867ED799729D9C92CD01DBD225630D84EDE32A78F9E64664CDAC512EF8C")]
    [InlineData("112233445566778899", "A499EFE48839BC3ABCD1C5CEDBDD51904F9514DB44F4686DB918983B0C9DC3AEE05A88B72433E9515F91A329F5F4FA60", "3B7CA28EF31F809C2F1BA24AAED847D0F8B406A4B8968542DE139DB5828CA410E615D1182E25B91B1131E230B727D36A")]
    public void P384ScalarMultiplicationGivesThePublishedVectors(string k, string x, string y)
    {
        var point = EcPrimeCurve.P384.MultiplyBase(Big(k));

        Assert.NotNull(point);
        Assert.Equal((Big("0x" + x), Big("0x" + y)), point.Value);
    }

    [Fact]
    public void TheOrderTimesTheBasePointIsTheIdentityOnBothCurves()
    {
        Assert.Null(EcPrimeCurve.P256.MultiplyBase(EcPrimeCurve.P256.N));
        Assert.Null(EcPrimeCurve.P384.MultiplyBase(EcPrimeCurve.P384.N));
        Assert.True(EcPrimeCurve.P256.IsOnCurve(EcPrimeCurve.P256.Gx, EcPrimeCurve.P256.Gy));
        Assert.True(EcPrimeCurve.P384.IsOnCurve(EcPrimeCurve.P384.Gx, EcPrimeCurve.P384.Gy));
    }

    public static TheoryData<string> Curves => new() { "P-256", "P-384" };

    private static EcPrimeCurve CurveNamed(string name) => name == "P-256" ? EcPrimeCurve.P256 : EcPrimeCurve.P384;

    [Theory]
    [MemberData(nameof(Curves))]
    public void TheCurveConstantsAreTheOnesDotNetExports(string name)
    {
        var curve = CurveNamed(name);
        using var key = ECDsa.Create(curve.Curve);
        var explicitCurve = key.ExportExplicitParameters(includePrivateParameters: false).Curve;

        Assert.Equal(curve.P, EcPrimeCurve.FromBytes(explicitCurve.Prime));
        Assert.Equal(curve.A, EcPrimeCurve.FromBytes(explicitCurve.A));
        Assert.Equal(curve.B, EcPrimeCurve.FromBytes(explicitCurve.B));
        Assert.Equal(curve.N, EcPrimeCurve.FromBytes(explicitCurve.Order));
        Assert.Equal((curve.Gx, curve.Gy), (EcPrimeCurve.FromBytes(explicitCurve.G.X), EcPrimeCurve.FromBytes(explicitCurve.G.Y)));
        Assert.Equal(BigInteger.One, EcPrimeCurve.FromBytes(explicitCurve.Cofactor));
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void ThePublicKeyOfKeysMadeByDotNetIsTheirPrivateScalarTimesG(string name)
    {
        var curve = CurveNamed(name);
        for (var i = 0; i < 8; i++)
        {
            using var key = ECDsa.Create(curve.Curve);
            var parameters = key.ExportParameters(includePrivateParameters: true);

            var q = curve.MultiplyBase(EcPrimeCurve.FromBytes(parameters.D));

            Assert.Equal((EcPrimeCurve.FromBytes(parameters.Q.X), EcPrimeCurve.FromBytes(parameters.Q.Y)), q!.Value);
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void EveryKeyThatSignedAHashIsAmongAtMostFourCandidatesThatEachVerify(string name)
    {
        var curve = CurveNamed(name);
        for (var i = 0; i < 16; i++)
        {
            using var key = ECDsa.Create(curve.Curve);
            var hash = SHA256.HashData(BitConverter.GetBytes(i));
            var signature = key.SignHash(hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

            Assert.True(EcdsaKeyRecovery.TryRecover(curve, hash, signature, out var keys, out var error), error);

            Assert.InRange(keys.Count, 1, EcdsaKeyRecovery.MaxCandidates);
            Assert.Contains(keys, k => k.AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()));
            foreach (var candidate in keys)
            {
                using var check = ECDsa.Create();
                check.ImportSubjectPublicKeyInfo(candidate, out _);
                Assert.True(check.VerifyHash(hash, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            }
        }
    }

    [Fact]
    public void ASignatureWithRorSZeroOrNotBelowTheOrderOrOfTheWrongLengthIsRefused()
    {
        var curve = EcPrimeCurve.P256;
        using var key = ECDsa.Create(curve.Curve);
        var hash = SHA256.HashData("message"u8);
        var good = key.SignHash(hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var n = curve.ToFixedBytes(curve.N);
        var max = Enumerable.Repeat((byte)0xFF, 32).ToArray();

        string Refused(byte[] signature)
        {
            Assert.False(EcdsaKeyRecovery.TryRecover(curve, hash, signature, out var keys, out var error));
            Assert.Empty(keys);
            return error!;
        }

        Assert.Contains("r is 0", Refused([.. new byte[32], .. good[32..]]), StringComparison.Ordinal);
        Assert.Contains("s is 0", Refused([.. good[..32], .. new byte[32]]), StringComparison.Ordinal);
        Assert.Contains("not below the curve order", Refused([.. n, .. good[32..]]), StringComparison.Ordinal);
        Assert.Contains("r is 0 or not below", Refused([.. max, .. good[32..]]), StringComparison.Ordinal);
        Assert.Contains("s is 0 or not below", Refused([.. good[..32], .. n]), StringComparison.Ordinal);
        Assert.Contains("64 bytes, not 63", Refused(good[..63]), StringComparison.Ordinal);
        Assert.False(EcdsaKeyRecovery.TryRecover(curve, ReadOnlySpan<byte>.Empty, good, out _, out var empty));
        Assert.Equal("the hash is empty", empty);
    }

    [Fact]
    public void RecoveringOverAnotherHashNeverGivesTheSignersKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = key.SignHash(SHA256.HashData("signed"u8), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.True(EcdsaKeyRecovery.TryRecover(EcPrimeCurve.P256, SHA256.HashData("not signed"u8), signature, out var keys, out _));

        Assert.DoesNotContain(keys, k => k.AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()));
    }

    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static byte[] Heartbeat(ECDsa key, ulong seq = 7) => FeedEncoder.Sign(new HeartbeatMessage("CN-HL", seq, At), key);

    private static byte[] Trust(ECDsa key) => FeedEncoder.Sign(new TrustMessage(At, new TrustList([])), key);

    [Fact]
    public void TwoFeedMessagesSignedByDotNetGiveExactlyTheirKey()
    {
        for (var i = 0; i < 8; i++)
        {
            using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);

            var result = AuthorityKeyRecovery.Recover([new("hc/v1/trust", Trust(authority)), new("hc/v1/colors/heartbeat", Heartbeat(authority))]);

            Assert.True(result.Found, result.Error);
            Assert.Equal(authority.ExportSubjectPublicKeyInfo(), result.Key);
        }
    }

    [Fact]
    public void ACoseSign1ByAP384KeyGivesItsCandidates()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var message = CoseSign1Message.SignEmbedded("payload"u8.ToArray(), new CoseSigner(key, HashAlgorithmName.SHA256));

        Assert.True(AuthorityKeyRecovery.TryCandidates(message, out var keys, out var error), error);

        Assert.Contains(keys, k => k.AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void TheSampleScenariosMessagesGiveTheSampleAuthorityKey()
    {
        var result = AuthorityKeyRecovery.Recover([new("trust.cose", SampleScenario.Read("trust.cose")), new("heartbeat.cose", SampleScenario.Read("heartbeat.cose"))]);

        Assert.True(result.Found, result.Error);
        Assert.Equal(SampleScenario.AuthorityKeyBase64, Convert.ToBase64String(result.Key!));
    }

    [Fact]
    public void OneMessageIsNotEnoughBecauseItsSignatureFitsSeveralKeys()
    {
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var result = AuthorityKeyRecovery.Recover([new("hc/v1/trust", Trust(authority))]);

        Assert.False(result.Found);
        Assert.StartsWith("only one signed message (hc/v1/trust): one ECDSA signature fits up to 4 keys", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', result.Error!);
    }

    [Fact]
    public void MessagesSignedByTwoKeysAreNotSignedByOneKey()
    {
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var result = AuthorityKeyRecovery.Recover([new("hc/v1/trust", Trust(authority)), new("hc/v1/colors/heartbeat", Heartbeat(other))]);

        Assert.False(result.Found);
        Assert.StartsWith("the retained messages are not signed by one key (hc/v1/trust, hc/v1/colors/heartbeat)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMessageThatIsNotASignedFeedMessageIsNamedWithWhy()
    {
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var es384 = CoseSign1Message.SignEmbedded("payload"u8.ToArray(), new CoseSigner(authority, HashAlgorithmName.SHA384));

        // r with no point of that x (x³ + ax + b not a square mod p): the signature (the message's last 64 bytes) fits no key.
        var noPoint = Heartbeat(authority);
        var r = Enumerable.Range(1, 100).Select(i => new BigInteger(i)).First(x => EcPrimeCurve.P256.Decompress(x, yOdd: false) is null);
        EcPrimeCurve.P256.ToFixedBytes(r).CopyTo(noPoint.AsSpan(noPoint.Length - 64));

        static string? Why(byte[] cose) => AuthorityKeyRecovery.Recover([new("m", cose), new("n", cose)]).Error;

        Assert.StartsWith("m: not a COSE_Sign1 message", Why([0x01, 0x02, 0x03]), StringComparison.Ordinal);
        Assert.Equal("m: the protected header does not say ES256 (-7)", Why(es384));
        Assert.Equal("m: its signature verifies with no key (a damaged message)", Why(noPoint));
        Assert.Equal("no signed feed message to read the authority key from", AuthorityKeyRecovery.Recover([]).Error);
    }

    [Fact]
    public void ADamagedSignatureFitsOtherKeysSoTheMessagesAreNotSignedByOneKey()
    {
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var damaged = Heartbeat(authority);
        damaged[^1] ^= 0x01; // the last byte of s: a valid signature of other keys, never of the authority's

        var result = AuthorityKeyRecovery.Recover([new("hc/v1/trust", Trust(authority)), new("hc/v1/colors/heartbeat", damaged)]);

        Assert.False(result.Found);
        Assert.StartsWith("the retained messages are not signed by one key", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFingerprintIsTheFirstHalfOfTheKeysSha256AndTheWholeHashMatchesToo()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        var hash = Convert.ToHexString(SHA256.HashData(spki));

        var print = AuthorityKey.Fingerprint(spki);

        Assert.Equal(string.Join(":", Enumerable.Range(0, 16).Select(i => hash.Substring(i * 2, 2))), print);
        Assert.True(AuthorityKey.MatchesFingerprint(spki, print));
        Assert.True(AuthorityKey.MatchesFingerprint(spki, print.ToLowerInvariant().Replace(':', ' ')));
        Assert.True(AuthorityKey.MatchesFingerprint(spki, hash));
        Assert.False(AuthorityKey.MatchesFingerprint(spki, print[..^3]));
        Assert.False(AuthorityKey.MatchesFingerprint(spki, string.Empty));
        Assert.False(AuthorityKey.MatchesFingerprint(spki, print + "/x"));
    }
}
