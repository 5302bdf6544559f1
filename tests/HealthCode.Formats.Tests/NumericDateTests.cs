using System.Formats.Cbor;

namespace HealthCode.Formats.Tests;

/// <summary>
/// CWT NumericDate (health-code.md layer 5): iat and exp are epoch seconds as an integer or a floating-point number;
/// NaN, infinities and values outside the years 1970-9999 are malformed. Instants at the end of year 9999 must not
/// overflow the skew arithmetic into a wrong verdict.
/// </summary>
public class NumericDateTests
{
    private static readonly long Iat = TestKeys.Now.AddMinutes(-1).ToUnixTimeSeconds();
    private static readonly long Exp = TestKeys.Now.AddMinutes(4).ToUnixTimeSeconds();

    /// <summary>The largest NumericDate in year 9999: 9999-12-31T23:59:59Z.</summary>
    private const long LastSecond = 253_402_300_799;

    /// <summary>The test key, valid at any instant, so that the times alone decide.</summary>
    private static readonly TrustList Always = new([TestKeys.Es256.ToTrustedIssuer("CN-HL", DateTimeOffset.MinValue, DateTimeOffset.MaxValue)]);

    private static CodeInspection Inspect(byte[] claims, DateTimeOffset? now = null) =>
        HealthCodeInspector.Inspect(TestKeys.SignedText(claims), InspectionContext.ForTrustList(Always, now ?? TestKeys.Now));

    public static TheoryData<string, Action<CborWriter>> FloatIats => new()
    {
        { "double", w => w.WriteDouble(Iat) },
        { "double with a fraction", w => w.WriteDouble(Iat + 0.75) },
        { "single", w => w.WriteSingle(Iat) }, // rounded to 128 s at this size: still inside the skew
    };

    [Theory]
    [MemberData(nameof(FloatIats))]
    public void AFloatingPointIatIsANumericDate(string what, Action<CborWriter> iat)
    {
        var inspection = Inspect(TestKeys.ClaimsPayload(iat: iat));
        Assert.True(inspection.Verdict == CodeVerdict.Valid, $"{what}: {inspection.Describe()}");
    }

    [Fact]
    public void AFloatingPointExpIsANumericDateAndItsFractionCounts()
    {
        var claims = TestKeys.ClaimsPayload(exp: w => w.WriteDouble(Exp + 0.5));
        Assert.Equal(CodeVerdict.Valid, Inspect(claims).Verdict);
        var edge = TestKeys.Now.AddMinutes(4).AddSeconds(120); // exactly exp + skew, where a whole-second exp would expire
        Assert.Equal(CodeVerdict.Valid, Inspect(claims, edge.AddSeconds(0.5)).Verdict);
        Assert.Equal(CodeVerdict.Expired, Inspect(claims, edge.AddSeconds(0.6)).Verdict);
        Assert.Equal(TestKeys.Now.AddMinutes(4).AddSeconds(0.5), Inspect(claims).Exp);
    }

    [Fact]
    public void AHalfPrecisionExpFarInTheFutureIsRead()
    {
        // Half precision tops out at 65504: a 1970 date. Read, then refused only for what it says (expired), not for its encoding.
        var inspection = Inspect(TestKeys.ClaimsPayload(iat: w => w.WriteHalf((Half)60000), exp: w => w.WriteHalf((Half)65504)));
        Assert.Equal(CodeVerdict.Expired, inspection.Verdict);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(65504), inspection.Exp);
    }

    public static TheoryData<string, Action<CborWriter>> BadNumericDates => new()
    {
        { "NaN", w => w.WriteDouble(double.NaN) },
        { "+infinity", w => w.WriteDouble(double.PositiveInfinity) },
        { "-infinity", w => w.WriteSingle(float.NegativeInfinity) },
        { "half NaN", w => w.WriteHalf(Half.NaN) },
        { "before 1970 (integer)", w => w.WriteInt64(-1) },
        { "before 1970 (double)", w => w.WriteDouble(-0.5) },
        { "after 9999 (integer)", w => w.WriteInt64(LastSecond + 1) },
        { "after 9999 (double)", w => w.WriteDouble(LastSecond + 1.0) },
        { "huge double", w => w.WriteDouble(1e300) },
        { "huge integer", w => w.WriteUInt64(ulong.MaxValue) },
        { "most negative integer", w => w.WriteCborNegativeIntegerRepresentation(ulong.MaxValue) },
        { "text", w => w.WriteTextString("1700000000") },
        { "tagged integer", w => { w.WriteTag(CborTag.UnixTimeSeconds); w.WriteInt64(1_700_000_000); } },
    };

    [Theory]
    [MemberData(nameof(BadNumericDates))]
    public void BadNumericDatesAreMalformed(string what, Action<CborWriter> value)
    {
        foreach (var claims in new[] { TestKeys.ClaimsPayload(iat: value), TestKeys.ClaimsPayload(exp: value) })
        {
            var inspection = Inspect(claims);
            Assert.True(inspection.Verdict == CodeVerdict.Malformed, $"{what}: {inspection.Describe()}");
            Assert.Equal(5, inspection.StoppedAtLayer);
            Assert.Equal(CodeVerdict.Malformed, HealthCodeVerifier.Verify(TestKeys.SignedText(claims), TestKeys.Trust, TestKeys.Now).Verdict);
        }
    }

    [Fact]
    public void TheFirstAndLastSecondsOfTheRangeAreNumericDates()
    {
        var lastSecond = TestKeys.ClaimsPayload(exp: w => w.WriteInt64(LastSecond));
        Assert.Equal(CodeVerdict.Valid, Inspect(lastSecond).Verdict);
        var lastDouble = TestKeys.ClaimsPayload(exp: w => w.WriteDouble(LastSecond + 0.999));
        Assert.Equal(CodeVerdict.Valid, Inspect(lastDouble).Verdict);
        var epoch = TestKeys.ClaimsPayload(iat: w => w.WriteInt64(0), exp: w => w.WriteInt64(1));
        Assert.Equal(CodeVerdict.Expired, Inspect(epoch).Verdict);
    }

    [Fact]
    public void AClockAtTheEndOfYear9999DoesNotOverflowIntoMalformed()
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(LastSecond);
        var ordinary = TestKeys.ClaimsPayload();
        var inspection = Inspect(ordinary, end);
        Assert.Equal(CodeVerdict.Expired, inspection.Verdict);
        Assert.Equal(true, inspection.Expired);
        Assert.Equal(false, inspection.NotYetValid);

        var forever = TestKeys.ClaimsPayload(exp: w => w.WriteInt64(LastSecond));
        Assert.Equal(CodeVerdict.Valid, Inspect(forever, end).Verdict);
        Assert.Equal(CodeVerdict.Valid, Inspect(forever, DateTimeOffset.MaxValue).Verdict); // within the skew of exp
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(TestKeys.SignedText(forever), Always, DateTimeOffset.MaxValue).Verdict);

        // A code issued at the very end (iat at the last second) seen from the start of time is not yet valid, not malformed.
        var late = TestKeys.ClaimsPayload(iat: w => w.WriteInt64(LastSecond), exp: w => w.WriteInt64(LastSecond));
        Assert.Equal(CodeVerdict.NotYetValid, Inspect(late, DateTimeOffset.MinValue).Verdict);
    }
}
