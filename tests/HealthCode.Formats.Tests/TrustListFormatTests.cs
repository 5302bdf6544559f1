using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HealthCode.Formats.Tests;

public class TrustListFormatTests
{
    [Fact]
    public void JsonRoundTrip()
    {
        var json = TrustListFormat.ToJson(TestKeys.Trust);
        var back = TrustListFormat.FromJson(json);
        Assert.Equal(2, back.Issuers.Count);
        Assert.Equal(TestKeys.Trust.Issuers[0].Kid, back.Issuers[0].Kid);
        Assert.Equal(TestKeys.Trust.Issuers[1].SubjectPublicKeyInfo, back.Issuers[1].SubjectPublicKeyInfo);
        Assert.Equal(TestKeys.Trust.Issuers[0].NotAfter, back.Issuers[0].NotAfter);
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(TestKeys.Code(), back, TestKeys.Now).Verdict);
    }

    [Fact]
    public void CborRoundTripAsTheValueOfIssuers()
    {
        var writer = new CborWriter();
        TrustListFormat.WriteCbor(writer, TestKeys.Trust);
        var reader = new CborReader(writer.Encode());
        var at = TestKeys.Now.AddHours(-1);
        var back = TrustListFormat.ReadCbor(reader, at);
        Assert.Equal(0, reader.BytesRemaining);
        Assert.Equal(at, back.SignedAt);
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(TestKeys.Code(TestKeys.Ps256), back, TestKeys.Now).Verdict);
    }

    [Fact]
    public void CborAcceptsByteStringsAndEpochTimes()
    {
        var key = TestKeys.Es256;
        var writer = new CborWriter();
        writer.WriteStartArray(1);
        writer.WriteStartMap(6);
        writer.WriteTextString("kid");
        writer.WriteByteString(key.Kid);
        writer.WriteTextString("region");
        writer.WriteTextString("CN-HL");
        writer.WriteTextString("publicKey");
        writer.WriteByteString(key.SubjectPublicKeyInfo);
        writer.WriteTextString("notBefore");
        writer.WriteInt64(TestKeys.Now.AddDays(-1).ToUnixTimeSeconds());
        writer.WriteTextString("notAfter");
        writer.WriteTextString("2030-01-01T00:00:00Z");
        writer.WriteTextString("comment");
        writer.WriteTextString("unknown keys are ignored");
        writer.WriteEndMap();
        writer.WriteEndArray();
        var list = TrustListFormat.ReadCbor(new CborReader(writer.Encode()));
        Assert.Equal(key.Kid, list.Issuers[0].Kid);
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(TestKeys.Code(), list, TestKeys.Now).Verdict);
    }

    [Fact]
    public void CertificateEntryUsesTheDccKidRule()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=CN-HL issuer", ec, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(TestKeys.Now.AddDays(-1), TestKeys.Now.AddDays(30));
        var der = certificate.RawData;
        var json = $$"""{"issuers":[{"region":"CN-HL","certificate":"{{Convert.ToBase64String(der)}}"}]}""";
        var list = TrustListFormat.FromJson(json);
        var kid = SHA256.HashData(der)[..8];
        Assert.Equal(kid, list.Issuers[0].Kid);
        Assert.Equal(der, list.Issuers[0].CertificateDer);

        using var signer = SigningKey.FromKey(ec, kid);
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(TestKeys.Code(signer), list, TestKeys.Now).Verdict);
        Assert.Contains("certificate", TrustListFormat.ToJson(list));

        var wrongKid = $$"""{"issuers":[{"kid":"AAAAAAAAAAA=","region":"CN-HL","certificate":"{{Convert.ToBase64String(der)}}"}]}""";
        Assert.Contains("not the certificate's", Assert.Throws<FormatException>(() => TrustListFormat.FromJson(wrongKid)).Message);
    }

    [Theory]
    [InlineData("", "Not a JSON")]
    [InlineData("[]", "issuers")]
    [InlineData("""{"issuers":[{"kid":"AAAAAAAAAAA=","region":"CN-HL","publicKey":"AAAA","notBefore":"2026-01-01T00:00:00Z","notAfter":"2027-01-01T00:00:00Z"}]}""", "unusable public key")]
    [InlineData("""{"issuers":[{"kid":"AAAA","region":"CN-HL","publicKey":"AAAA","notBefore":"2026-01-01T00:00:00Z","notAfter":"2027-01-01T00:00:00Z"}]}""", "not 8")]
    [InlineData("""{"issuers":[{"kid":"AAAAAAAAAAA=","publicKey":"AAAA"}]}""", "no region")]
    [InlineData("""{"issuers":[{"kid":"!!","region":"x","publicKey":"AAAA"}]}""", "not base64")]
    [InlineData("""{"issuers":[{"kid":"AAAAAAAAAAA=","region":"CN-HL","publicKey":"AAAA","notBefore":"soon","notAfter":"2027"}]}""", "ISO 8601")]
    [InlineData("""{"issuers":[{"kid":1}]}""", "not a string")]
    public void BadJsonIsAFormatException(string json, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => TrustListFormat.FromJson(json)).Message);

    [Fact]
    public void TheDocKeyTravelsInTheJsonFile()
    {
        var docKey = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        var json = TrustListFormat.ToJson(new TrustList(TestKeys.Trust.Issuers, docKey: docKey));
        Assert.Equal(Convert.ToBase64String(docKey), System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("docKey").GetString());
        var back = TrustListFormat.FromJson(json);
        Assert.Equal(docKey, back.DocKey);
        Assert.True(back.HasDocKey);
        Assert.Equal(HealthCode.Formats.Identity.DocRef.Compute(docKey, "11010519491231002X"), back.DocRefOf("11010519491231002x"));

        var without = TrustListFormat.FromJson(TrustListFormat.ToJson(TestKeys.Trust));
        Assert.Null(without.DocKey);
        Assert.False(without.HasDocKey);
        Assert.Null(without.DocRefOf("11010519491231002X"));
        Assert.DoesNotContain("docKey", TrustListFormat.ToJson(TestKeys.Trust));
        Assert.Null(TrustListFormat.FromJson("""{"issuers":[],"docKey":null}""").DocKey);
    }

    [Fact]
    public void TheDocKeyCannotBeChangedThroughTheList()
    {
        var list = new TrustList([], docKey: new byte[32]);
        list.DocKey![0] = 1;
        Assert.Equal(new byte[32], list.DocKey);
    }

    [Theory]
    [InlineData("AAAA", "not 32")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not 32")]
    [InlineData("not base64!", "not a base64")]
    public void ABadDocKeyMakesTheFileMalformed(string docKey, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => TrustListFormat.FromJson($$"""{"issuers":[],"docKey":"{{docKey}}"}""")).Message);

    [Fact]
    public void ADocKeyThatIsNotAStringMakesTheFileMalformed() =>
        Assert.Contains("docKey", Assert.Throws<FormatException>(() => TrustListFormat.FromJson("""{"issuers":[],"docKey":[1,2]}""")).Message);

    [Fact]
    public void ATrustListRefusesADocKeyOfAnotherLength() =>
        Assert.Throws<ArgumentException>(() => new TrustList([], docKey: new byte[31]));

    [Fact]
    public void BadCborIsAFormatException()
    {
        Assert.Throws<FormatException>(() => TrustListFormat.ReadCbor(new CborReader(new byte[] { 0xA0 })));
        Assert.Throws<FormatException>(() => TrustListFormat.ReadCbor(new CborReader(new byte[] { 0x81, 0xA1, 0x63, (byte)'k', (byte)'i', (byte)'d', 0x01 })));
        Assert.Throws<FormatException>(() => TrustListFormat.ReadCbor(new CborReader(new byte[] { 0x82, 0xA0 })));
    }
}
