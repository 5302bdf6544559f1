using System.Text;

namespace HealthCode.Formats.Tests;

public class Base45Tests
{
    // RFC 9285, section 4.3 and 4.4.
    [Theory]
    [InlineData("AB", "BB8")]
    [InlineData("Hello!!", "%69 VD92EX0")]
    [InlineData("base-45", "UJCLQE7W581")]
    [InlineData("ietf!", "QED8WEX0")]
    [InlineData("", "")]
    public void Rfc9285Examples(string plain, string encoded)
    {
        Assert.Equal(encoded, Base45.Encode(Encoding.ASCII.GetBytes(plain)));
        Assert.True(Base45.TryDecode(encoded, out var decoded, out var error), error);
        Assert.Equal(plain, Encoding.ASCII.GetString(decoded));
    }

    [Theory]
    [InlineData("GGW", "above 65535")] // 65536
    [InlineData("A", "dangling")]
    [InlineData("ABCD", "dangling")]
    [InlineData("ab8", "not in the Base45 alphabet")] // lower case is not Base45
    [InlineData("BB\u00e9", "not in the Base45 alphabet")]
    [InlineData(":Z", "above 255")] // 44 + 35*45
    public void RejectsInvalidText(string text, string reason)
    {
        Assert.False(Base45.TryDecode(text, out var decoded, out var error));
        Assert.Empty(decoded);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void EveryTwoByteValueRoundTrips()
    {
        var pair = new byte[2];
        for (var n = 0; n <= 0xFFFF; n++)
        {
            pair[0] = (byte)(n >> 8);
            pair[1] = (byte)n;
            Assert.True(Base45.TryDecode(Base45.Encode(pair), out var back, out _));
            Assert.Equal(pair, back);
        }
    }

    [Fact]
    public void LargestTripleDecodes() => Assert.True(Base45.TryDecode("FGW", out var bytes, out _) && bytes is [0xFF, 0xFF]);
}
