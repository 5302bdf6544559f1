using System.Security.Cryptography;
using System.Text;
using CsCheck;
using HealthCode.Formats.Identity;

namespace HealthCode.Formats.Tests.Identity;

/// <summary>The docRef of identity.md: the first 16 bytes of HMAC-SHA256(docKey, "CN-RIC" ‖ 0x00 ‖ number, X upper case).</summary>
public class DocRefTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void KnownVector()
    {
        // Computed once with Python's hmac module: hmac.new(bytes(range(32)), b'CN-RIC\x00' + b'11010519491231002X', sha256).
        Assert.Equal("730b603f9852901b36e5cb75c4e5dfd1", Convert.ToHexStringLower(DocRef.Compute(Key, "11010519491231002X").ToArray()));
    }

    [Fact]
    public void IsTheTruncatedHmacOfTheDomainAndTheNumber() =>
        Gen.Select(Gen.Byte.Array[32], Gen.Char['0', '9'].Array[17], Gen.Char["0123456789Xx"]).Sample((key, digits, check) =>
        {
            var number = new string(digits) + check;
            var message = Encoding.ASCII.GetBytes("CN-RIC\0" + number.ToUpperInvariant());
            var expected = HMACSHA256.HashData(key, message)[..16];
            var docRef = DocRef.Compute(key, number);
            Assert.Equal(expected, docRef.ToArray());
            Assert.Equal(docRef, DocRef.FromBytes(expected));
        }, iter: 2_000);

    [Fact]
    public void LowerAndUpperCaseXAreTheSameCard() =>
        Assert.Equal(DocRef.Compute(Key, "11010519491231002X"), DocRef.Compute(Key, "11010519491231002x"));

    [Fact]
    public void AnotherKeyOrNumberIsAnotherDocRef()
    {
        var other = (byte[])Key.Clone();
        other[31] ^= 1;
        Assert.NotEqual(DocRef.Compute(Key, "11010519491231002X"), DocRef.Compute(other, "11010519491231002X"));
        Assert.NotEqual(DocRef.Compute(Key, "11010519491231002X"), DocRef.Compute(Key, "230102198001011236"));
    }

    [Fact]
    public void BadKeysAndNumbersAreRefused()
    {
        Assert.Throws<ArgumentException>(() => DocRef.Compute(new byte[31], "11010519491231002X"));
        Assert.Throws<ArgumentException>(() => DocRef.Compute(Key, "11010519491231002"));
        Assert.Throws<ArgumentException>(() => DocRef.Compute(Key, "1101051949123100２X"));
        Assert.Throws<ArgumentException>(() => DocRef.FromBytes(new byte[15]));
    }

    [Fact]
    public void NeverPrintsItsValue() =>
        Assert.Equal("DocRef(redacted)", DocRef.Compute(Key, "11010519491231002X").ToString());
}
