using System.Formats.Cbor;
using HealthCode.Formats.Identity;

namespace HealthCode.Formats.Tests.Identity;

/// <summary>Claim <c>d</c> of claim -1001 (health-code.md): bstr(16), optional; anything else makes the code malformed.</summary>
public class DocumentClaimTests
{
    private static readonly DocRef Card = DocRef.Compute(new byte[32], "11010519491231002X");

    [Fact]
    public void ACodeCarriesItsHoldersCard()
    {
        var claim = TestKeys.Claim(3, proxy: true) with { Document = Card };
        var text = new HealthCodeIssuer(TestKeys.Es256).Issue("CN-HL", TestKeys.Now.AddMinutes(-1), TestKeys.Now.AddMinutes(4), claim);
        var result = HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now);
        Assert.Equal(CodeVerdict.Valid, result.Verdict);
        Assert.Equal(Card, result.Claim!.Document);
        Assert.Equal(claim, result.Claim);
        Assert.True(HealthCodeInspector.Inspect(text, InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now)).DocRef);
    }

    [Fact]
    public void ACodeWithoutDHasNoDocument()
    {
        var result = HealthCodeVerifier.Verify(TestKeys.Code(), TestKeys.Trust, TestKeys.Now);
        Assert.Equal(CodeVerdict.Valid, result.Verdict);
        Assert.Null(result.Claim!.Document);
        Assert.False(HealthCodeInspector.Inspect(TestKeys.Code(), InspectionContext.WithoutKeys(TestKeys.Now)).DocRef);
    }

    public static TheoryData<string, Action<CborWriter>> BadDocuments => new()
    {
        { "15 bytes", w => w.WriteByteString(new byte[15]) },
        { "17 bytes", w => w.WriteByteString(new byte[17]) },
        { "empty", w => w.WriteByteString([]) },
        { "text", w => w.WriteTextString("0123456789abcdef") },
        { "integer", w => w.WriteInt32(16) },
        { "null", w => w.WriteNull() },
        { "array", w => { w.WriteStartArray(1); w.WriteByteString(new byte[16]); w.WriteEndArray(); } },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void ADThatIsNotSixteenBytesIsMalformed(string what, Action<CborWriter> writeD)
    {
        var text = TestKeys.SignedText(TestKeys.ClaimsPayload(d: writeD));
        var inspection = HealthCodeInspector.Inspect(text, InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now));
        Assert.True(inspection.Verdict == CodeVerdict.Malformed, what);
        Assert.Equal(6, inspection.StoppedAtLayer);
        Assert.Contains("'d'", inspection.Error);
        Assert.Null(inspection.DocRef);
        Assert.Equal(CodeVerdict.Malformed, HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now).Verdict);
    }

    [Fact]
    public void ASixteenByteDWrittenByHandIsRead()
    {
        var bytes = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();
        var text = TestKeys.SignedText(TestKeys.ClaimsPayload(d: w => w.WriteByteString(bytes)));
        var result = HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now);
        Assert.Equal(CodeVerdict.Valid, result.Verdict);
        Assert.Equal(bytes, result.Claim!.Document!.Value.ToArray());
    }
}
