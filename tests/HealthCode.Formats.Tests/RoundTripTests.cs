using System.Security.Cryptography.Cose;

namespace HealthCode.Formats.Tests;

public class RoundTripTests
{
    [Fact]
    public void Es256CodeVerifiesWithItsClaim()
    {
        var claim = TestKeys.Claim(7, HealthColor.Yellow, proxy: true);
        var text = new HealthCodeIssuer(TestKeys.Es256).Issue("CN-HL", TestKeys.Now.AddMinutes(-1), TestKeys.Now.AddMinutes(4), claim);
        Assert.StartsWith("HCN1:", text);
        var result = HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now);
        Assert.Equal(CodeVerdict.Valid, result.Verdict);
        Assert.Equal("CN-HL", result.Issuer);
        Assert.Equal(claim, result.Claim);
    }

    [Fact]
    public void Ps256CodeVerifies()
    {
        var result = HealthCodeVerifier.Verify(TestKeys.Code(TestKeys.Ps256, color: HealthColor.Red), TestKeys.Trust, TestKeys.Now);
        Assert.Equal(CodeVerdict.Valid, result.Verdict);
        Assert.Equal(HealthColor.Red, result.Claim!.Color);
    }

    [Fact]
    public void IssuedCoseIsReadableBySystemSecurityCryptographyCose()
    {
        var cose = new HealthCodeIssuer(TestKeys.Es256).IssueCose("CN-HL", TestKeys.Now, TestKeys.Now.AddMinutes(5), TestKeys.Claim());
        Assert.Equal(0xD2, cose[0]); // tag 18
        var message = CoseSign1Message.DecodeSign1(cose);
        Assert.True(message.VerifyEmbedded(TestKeys.Es256.Key));
        Assert.Equal(TestKeys.Es256.Kid, message.ProtectedHeaders[CoseHeaderLabel.KeyIdentifier].GetValueAsBytes());
    }

    [Theory]
    [InlineData(-10, 5, CodeVerdict.Expired)] // exp 5 min after iat, 10 min ago → 5 min past exp
    [InlineData(-7, 5, CodeVerdict.Valid)] // 2 min past exp: inside the 120 s skew? exactly at the edge
    [InlineData(2, 5, CodeVerdict.Valid)] // iat 2 min ahead: inside the skew
    [InlineData(3, 5, CodeVerdict.NotYetValid)]
    public void TimeVerdictsUseTheSkew(int iatMinutesFromNow, int lifetimeMinutes, CodeVerdict expected)
    {
        var text = TestKeys.Code(iat: TestKeys.Now.AddMinutes(iatMinutesFromNow), lifetime: TimeSpan.FromMinutes(lifetimeMinutes));
        var result = HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now);
        Assert.Equal(expected, result.Verdict);
        Assert.NotNull(result.Claim); // signature trusted: the policy may still see the claim
    }

    [Fact]
    public void SkewIsConfigurable()
    {
        var text = TestKeys.Code(iat: TestKeys.Now.AddMinutes(-7), lifetime: TimeSpan.FromMinutes(5));
        Assert.Equal(CodeVerdict.Expired, HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now, TimeSpan.FromSeconds(119)).Verdict);
    }

    [Fact]
    public void UnknownKeyWrongRegionAndKeyValidityAreUntrusted()
    {
        Assert.Equal(CodeVerdict.Untrusted, HealthCodeVerifier.Verify(TestKeys.Code(TestKeys.Other), TestKeys.Trust, TestKeys.Now).Verdict);
        var wrongRegion = HealthCodeVerifier.Verify(TestKeys.Code(iss: "CN-SH"), TestKeys.Trust, TestKeys.Now);
        Assert.Equal(CodeVerdict.Untrusted, wrongRegion.Verdict);
        Assert.Equal("CN-SH", wrongRegion.Issuer);
        Assert.Null(wrongRegion.Claim);

        var old = new TrustList([TestKeys.Es256.ToTrustedIssuer("CN-HL", TestKeys.Now.AddDays(-10), TestKeys.Now.AddDays(-1))]);
        var inspection = HealthCodeInspector.Inspect(TestKeys.Code(), InspectionContext.ForTrustList(old, TestKeys.Now));
        Assert.Equal(CodeVerdict.Untrusted, inspection.Verdict);
        Assert.Equal(SignatureStatus.Valid, inspection.Signature);
        Assert.Contains("outside the validity", inspection.Error);
    }

    [Fact]
    public void CrossRegionRecognitionNeedsTheRegionsKey()
    {
        using var shanghai = SigningKey.CreateEs256();
        var both = new TrustList([.. TestKeys.Trust.Issuers, shanghai.ToTrustedIssuer("CN-SH", TestKeys.Now.AddDays(-1), TestKeys.Now.AddDays(1))]);
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(TestKeys.Code(shanghai, iss: "CN-SH"), both, TestKeys.Now).Verdict);
        Assert.Equal(CodeVerdict.Untrusted, HealthCodeVerifier.Verify(TestKeys.Code(shanghai, iss: "CN-HL"), both, TestKeys.Now).Verdict);
    }

    [Fact]
    public void EveryFlippedBitOfTheDecodedBytesStopsTheCodeOrChangesNothingSigned()
    {
        var text = TestKeys.Code();
        Assert.True(Base45.TryDecode(text.AsSpan(5), out var bytes, out _));
        Assert.True(Zlib.TryInflate(bytes, Zlib.DefaultMaxOutput, out var original, out _));
        var valid = new List<int>();
        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            var mutated = "HCN1:" + Base45.Encode(bytes);
            if (HealthCodeVerifier.Verify(mutated, TestKeys.Trust, TestKeys.Now).Verdict == CodeVerdict.Valid)
            {
                // Some deflate bits carry no information (padding after the last block, unused code lengths): such a flip
                // may pass, but only when the inflated COSE_Sign1 (everything signed and read) is byte for byte the original.
                Assert.True(Zlib.TryInflate(bytes, Zlib.DefaultMaxOutput, out var inflated, out _));
                Assert.Equal(original, inflated);
                valid.Add(bit);
            }

            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        }

        Assert.True(valid.Count < 16, $"{valid.Count} harmless flips");
    }

    [Fact]
    public void EveryFlippedBitOfTheUncompressedCoseStopsTheCode()
    {
        var cose = new HealthCodeIssuer(TestKeys.Ps256).IssueCose("CN-HL", TestKeys.Now, TestKeys.Now.AddMinutes(5), TestKeys.Claim());
        var valid = 0;
        for (var bit = 0; bit < cose.Length * 8; bit++)
        {
            cose[bit / 8] ^= (byte)(1 << (bit % 8));
            var mutated = HealthCodeIssuer.EncodeText(cose, compress: false);
            cose[bit / 8] ^= (byte)(1 << (bit % 8));
            if (HealthCodeVerifier.Verify(mutated, TestKeys.Trust, TestKeys.Now).Verdict == CodeVerdict.Valid)
            {
                valid++;
            }
        }

        Assert.Equal(0, valid);
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(HealthCodeIssuer.EncodeText(cose, compress: false), TestKeys.Trust, TestKeys.Now).Verdict);
    }
}
