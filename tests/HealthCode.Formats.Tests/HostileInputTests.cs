using System.Formats.Cbor;
using CsCheck;

namespace HealthCode.Formats.Tests;

/// <summary>
/// Hostile input: byte and structure mutations of valid codes. Never an exception escapes, never a mutated code is
/// valid, memory stays bounded (inflate cap; CBOR is read within the capped bytes).
/// </summary>
public class HostileInputTests
{
    private static readonly byte[] ValidCose = new HealthCodeIssuer(TestKeys.Es256).IssueCose("CN-HL", TestKeys.Now.AddMinutes(-1), TestKeys.Now.AddMinutes(4), TestKeys.Claim());

    private static CodeVerdict Verdict(string text) => HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now).Verdict;

    private static void NeverThrowsNeverValid(string text)
    {
        var fast = HealthCodeVerifier.Verify(text, TestKeys.Trust, TestKeys.Now);
        Assert.NotEqual(CodeVerdict.Valid, fast.Verdict);
        var inspection = HealthCodeInspector.Inspect(text, InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now));
        Assert.Equal(fast.Verdict, inspection.Verdict);
        Assert.NotNull(inspection.ToJson());
        Assert.NotNull(inspection.Describe());
    }

    [Fact]
    public void ByteMutationsOfTheCoseNeverVerify()
    {
        Assert.Equal(CodeVerdict.Valid, Verdict(HealthCodeIssuer.EncodeText(ValidCose)));
        var mutation = Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Byte.Array[1, 9], Gen.Bool);
        mutation.Sample((kind, where, bytes, compress) =>
        {
            var mutated = Mutate(ValidCose, kind, where, bytes);
            var text = HealthCodeIssuer.EncodeText(mutated, compress: compress);
            if (WithoutEnvelopeTags(mutated).SequenceEqual(WithoutEnvelopeTags(ValidCose)))
            {
                return; // nothing changed but the optional tags 18/61 (e.g. the leading 0xD2 deleted): the same code
            }

            NeverThrowsNeverValid(text);
        }, iter: 6_000);
    }

    [Fact]
    public void MutationsOfTheTextNeverVerify()
    {
        var text = HealthCodeIssuer.EncodeText(ValidCose);
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:a\u00e9\0";
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, int.MaxValue], Gen.Int[0, alphabet.Length - 1]).Sample((kind, where, c) =>
        {
            var i = where % text.Length;
            var mutated = kind switch
            {
                0 => text[..i] + alphabet[c] + text[(i + 1)..],
                1 => text[..i],
                2 => text[..i] + alphabet[c] + text[i..],
                _ => text.Remove(i, Math.Min(3, text.Length - i)),
            };
            if (mutated != text && !SameSignedBytes(mutated))
            {
                NeverThrowsNeverValid(mutated);
            }
        }, iter: 3_000);
    }

    [Fact]
    public void RandomBytesAndTextNeverThrow()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            NeverThrowsNeverValid("HCN1:" + Base45.Encode(bytes));
            NeverThrowsNeverValid(HealthCodeIssuer.EncodeText(bytes));
        }, iter: 1_500);
        Gen.String.Sample(s =>
        {
            NeverThrowsNeverValid(s);
            NeverThrowsNeverValid("HCN1:" + s);
        }, iter: 1_000);
    }

    /// <summary>Correctly signed codes whose claims are wrong in one way: all malformed, none valid.</summary>
    [Fact]
    public void SignedButStructurallyWrongClaimsAreMalformed()
    {
        var issuer = new HealthCodeIssuer(TestKeys.Es256);
        Gen.Select(Gen.Int[0, ClaimDefects - 1], Gen.Int[0, 1000]).Sample((defect, n) =>
        {
            var text = HealthCodeIssuer.EncodeText(issuer.Sign(DefectiveClaims(defect, n)));
            var inspection = HealthCodeInspector.Inspect(text, InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now));
            Assert.True(inspection.Verdict == CodeVerdict.Malformed, $"defect {defect}: {inspection.ToJson()}");
            Assert.Equal(SignatureStatus.Valid, inspection.Signature); // the signature is fine; the structure is not
        }, iter: 1_000);
    }

    /// <summary>Wrong COSE structures (signed where a signature is possible): all malformed.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void WrongCoseStructuresAreMalformed(int defect)
    {
        var inspection = HealthCodeInspector.Inspect(HealthCodeIssuer.EncodeText(DefectiveCose(defect)), InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now));
        Assert.True(inspection.Verdict == CodeVerdict.Malformed, $"defect {defect}: {inspection.ToJson()}");
        Assert.Equal(4, inspection.StoppedAtLayer);
    }

    [Theory]
    [InlineData(50, CodeVerdict.Valid)] // forward compatibility: an unknown claim may be anything...
    [InlineData(20_000, CodeVerdict.Malformed)] // ...within System.Formats.Cbor's nesting limit of 64
    public void UnknownClaimsAreIgnoredAndNestingIsBounded(int depth, CodeVerdict expected)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        writer.WriteStartMap(null);
        WriteStandardClaims(writer);
        writer.WriteInt32(-1001);
        WriteClaim(writer);
        writer.WriteInt32(-9999);
        for (var i = 0; i < depth; i++)
        {
            writer.WriteStartArray(1);
        }

        writer.WriteInt32(0);
        for (var i = 0; i < depth; i++)
        {
            writer.WriteEndArray();
        }

        writer.WriteEndMap();
        var text = HealthCodeIssuer.EncodeText(new HealthCodeIssuer(TestKeys.Es256).Sign(writer.Encode()));
        var inspection = HealthCodeInspector.Inspect(text, InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now));
        Assert.True(inspection.Verdict == expected, inspection.ToJson());
    }

    [Fact]
    public void ZipBombStopsAtTheCapWithBoundedMemory()
    {
        var bomb = Zlib.Deflate(new byte[8 * 1024 * 1024]); // 8 MB of zeros in ~8 KB
        var text = "HCN1:" + Base45.Encode(bomb);
        Verdict(text); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        var inspection = HealthCodeInspector.Inspect(text, InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(CodeVerdict.Malformed, inspection.Verdict);
        Assert.Equal(3, inspection.StoppedAtLayer);
        Assert.Contains("cap", inspection.Error);
        Assert.True(allocated < 2 * 1024 * 1024, $"allocated {allocated} bytes");

        // Just inside the cap is fine to inflate (then not COSE).
        var big = HealthCodeIssuer.EncodeText(new byte[Zlib.DefaultMaxOutput]);
        Assert.Equal(4, HealthCodeInspector.Inspect(big, InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now)).StoppedAtLayer);
    }

    [Fact]
    public void EveryTruncationOfTheZlibStreamStopsAtTheZlibLayer()
    {
        var compressed = Zlib.Deflate(ValidCose);
        Assert.Equal(CodeVerdict.Valid, Verdict("HCN1:" + Base45.Encode(compressed)));
        for (var length = 1; length < compressed.Length; length++)
        {
            // Cut inside the Adler-32 trailer the deflate data is whole, yet the stream is not: RFC 1950 ends with the checksum.
            var inspection = HealthCodeInspector.Inspect("HCN1:" + Base45.Encode(compressed.AsSpan(0, length)), InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now));
            Assert.True(inspection.Verdict == CodeVerdict.Malformed && inspection.StoppedAtLayer == 3 && inspection.Zlib == false,
                $"cut to {length} of {compressed.Length} bytes: {inspection.Describe()}");
            Assert.False(Zlib.TryInflate(compressed[..length], Zlib.DefaultMaxOutput, out _, out var error));
            Assert.NotNull(error);
        }
    }

    [Theory]
    [InlineData("", 0x00000001u)]
    [InlineData("a", 0x00620062u)]
    [InlineData("abc", 0x024d0127u)]
    [InlineData("Wikipedia", 0x11E60398u)]
    public void Adler32KnownValues(string text, uint expected) => Assert.Equal(expected, Zlib.Adler32(System.Text.Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Adler32OverLongInputsAgreesWithTheDefinition()
    {
        // Past the 5552-byte blocks where the sums are reduced: the plain definition, mod 65521 at every step.
        var data = new byte[70_000];
        new Random(3).NextBytes(data);
        data.AsSpan(20_000, 20_000).Fill(0xFF);
        uint a = 1, b = 0;
        foreach (var value in data)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }

        Assert.Equal((b << 16) | a, Zlib.Adler32(data));
    }

    [Fact]
    public void BytesAfterTheZlibStreamOrAWrongChecksumStopAtTheZlibLayer()
    {
        var compressed = Zlib.Deflate(ValidCose);
        byte[] trailing = [.. compressed, 0x00];
        var wrongChecksum = (byte[])compressed.Clone();
        wrongChecksum[^1] ^= 0x01;
        foreach (var bytes in new[] { trailing, wrongChecksum })
        {
            var inspection = HealthCodeInspector.Inspect("HCN1:" + Base45.Encode(bytes), InspectionContext.ForTrustList(TestKeys.Trust, TestKeys.Now));
            Assert.Equal(CodeVerdict.Malformed, inspection.Verdict);
            Assert.Equal(3, inspection.StoppedAtLayer);
        }
    }

    [Fact]
    public void HugeDeclaredLengthsAndOverlongTextAreMalformed()
    {
        byte[][] hostile =
        [
            [0xD2, 0x84, 0x5B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // bstr of 2^63-1 bytes
            [0xD2, 0x9B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // array of 2^63-1 elements
            [0xD2, 0x84, 0x40, 0xBB, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // map of 2^63-1 pairs
            [.. Enumerable.Repeat((byte)0xD2, 10_000), 0x80], // 10,000 nested tags
            [.. Enumerable.Repeat((byte)0x81, 60_000), 0x00], // 60,000 nested arrays
        ];
        foreach (var bytes in hostile)
        {
            NeverThrowsNeverValid(HealthCodeIssuer.EncodeText(bytes));
            NeverThrowsNeverValid(HealthCodeIssuer.EncodeText(bytes, compress: false));
        }

        var inspection = HealthCodeInspector.Inspect("HCN1:" + new string('0', 1_000_000), InspectionContext.WithoutKeys(TestKeys.Now));
        Assert.Equal(2, inspection.StoppedAtLayer);
    }

    private static ReadOnlySpan<byte> WithoutEnvelopeTags(ReadOnlySpan<byte> cose)
    {
        while (true)
        {
            if (cose.Length > 0 && cose[0] == 0xD2)
            {
                cose = cose[1..];
            }
            else if (cose.Length > 1 && cose[0] == 0xD8 && cose[1] is 18 or 61)
            {
                cose = cose[2..];
            }
            else
            {
                return cose;
            }
        }
    }

    // A text mutation can hit deflate bits that carry no information; the code is then the same code.
    private static bool SameSignedBytes(string text) =>
        text.Length >= 5 && Base45.TryDecode(text.AsSpan(5), out var bytes, out _)
        && Zlib.TryInflate(bytes, Zlib.DefaultMaxOutput, out var inflated, out _)
        && inflated.AsSpan().SequenceEqual(ValidCose);

    private static byte[] Mutate(byte[] original, int kind, int where, byte[] bytes)
    {
        var i = where % original.Length;
        var list = original.ToList();
        switch (kind)
        {
            case 0: // overwrite one byte
                list[i] = bytes[0];
                break;
            case 1: // flip one bit
                list[i] ^= (byte)(1 << (bytes[0] % 8));
                break;
            case 2: // truncate
                list.RemoveRange(i, list.Count - i);
                break;
            case 3: // insert
                list.InsertRange(i, bytes);
                break;
            case 4: // delete a few
                list.RemoveRange(i, Math.Min(bytes.Length, list.Count - i));
                break;
            default: // overwrite a run
                for (var k = 0; k < bytes.Length && i + k < list.Count; k++)
                {
                    list[i + k] = bytes[k];
                }

                break;
        }

        return [.. list];
    }

    private const int ClaimDefects = 16;

    private static byte[] DefectiveClaims(int defect, int n)
    {
        var writer = new CborWriter(CborConformanceMode.Lax);
        if (defect == 0)
        {
            writer.WriteStartArray(0); // claims not a map
            writer.WriteEndArray();
            return writer.Encode();
        }

        writer.WriteStartMap(null);
        if (defect != 1)
        {
            writer.WriteInt32(1);
            if (defect == 2)
            {
                writer.WriteInt32(n); // iss not text
            }
            else
            {
                writer.WriteTextString("CN-HL");
            }
        }

        writer.WriteInt32(6);
        if (defect == 3)
        {
            writer.WriteTextString("2026-11-25"); // iat not an integer
        }
        else
        {
            writer.WriteInt64(TestKeys.Now.AddMinutes(-1).ToUnixTimeSeconds());
        }

        if (defect != 4)
        {
            writer.WriteInt32(4);
            writer.WriteInt64(defect == 5 ? long.MaxValue - n : TestKeys.Now.AddMinutes(4).ToUnixTimeSeconds()); // exp beyond any date
        }

        if (defect == 6)
        {
            writer.WriteInt32(1); // duplicate iss
            writer.WriteTextString("CN-SH");
        }

        if (defect != 7)
        {
            writer.WriteInt32(-1001);
            if (defect == 8)
            {
                writer.WriteTextString("not a map");
            }
            else
            {
                WriteClaim(writer, defect, n);
            }
        }

        writer.WriteEndMap();
        return writer.Encode();
    }

    private static void WriteStandardClaims(CborWriter writer)
    {
        writer.WriteInt32(1);
        writer.WriteTextString("CN-HL");
        writer.WriteInt32(6);
        writer.WriteInt64(TestKeys.Now.AddMinutes(-1).ToUnixTimeSeconds());
        writer.WriteInt32(4);
        writer.WriteInt64(TestKeys.Now.AddMinutes(4).ToUnixTimeSeconds());
    }

    // Defects 9-15 are inside claim -1001.
    private static void WriteClaim(CborWriter writer, int defect = -1, int n = 0)
    {
        writer.WriteStartMap(null);
        writer.WriteTextString("v");
        writer.WriteTextString(defect == 9 ? "2" : "1");
        writer.WriteTextString("id");
        writer.WriteByteString(new byte[defect == 10 ? n % 16 : 16]);
        if (defect != 11)
        {
            writer.WriteTextString("c");
            if (defect == 12)
            {
                writer.WriteUInt64(3 + (ulong)n); // color outside 0..2
            }
            else
            {
                writer.WriteUInt32(0);
            }
        }

        writer.WriteTextString("ct");
        if (defect == 13)
        {
            writer.WriteDouble(n); // wrong type
        }
        else
        {
            writer.WriteInt64(1_700_000_000);
        }

        writer.WriteTextString("n");
        writer.WriteTextString("王*明");
        if (defect == 14)
        {
            writer.WriteTextString("c"); // duplicate key
            writer.WriteUInt32(2);
        }

        if (defect == 15)
        {
            writer.WriteTextString("p");
            writer.WriteInt32(1); // p must be a bool
        }

        writer.WriteEndMap();
    }

    private static byte[] DefectiveCose(int defect)
    {
        var payload = HealthCodeIssuer.EncodeClaims("CN-HL", TestKeys.Now.AddMinutes(-1), TestKeys.Now.AddMinutes(4), TestKeys.Claim());
        var writer = new CborWriter(CborConformanceMode.Lax);
        if (defect == 0)
        {
            writer.WriteTag((CborTag)18);
            writer.WriteTag((CborTag)61); // CWT tag inside, not outside
        }
        else if (defect == 1)
        {
            writer.WriteTag((CborTag)18);
            writer.WriteTag((CborTag)18); // tag 18 twice
        }
        else
        {
            writer.WriteTag((CborTag)18);
        }

        writer.WriteStartArray(defect == 2 ? 3 : 4);
        var protectedHeader = new CborWriter();
        protectedHeader.WriteStartMap(null);
        switch (defect)
        {
            case 3:
                protectedHeader.WriteInt32(1);
                protectedHeader.WriteTextString("ES256"); // alg as text
                break;
            case 4:
                protectedHeader.WriteInt32(1);
                protectedHeader.WriteInt32(-35); // ES384: not ours
                break;
            case 5:
                break; // no alg at all
            default:
                protectedHeader.WriteInt32(1);
                protectedHeader.WriteInt32(-7);
                break;
        }

        protectedHeader.WriteInt32(4);
        if (defect == 6)
        {
            protectedHeader.WriteInt32(7); // kid not bytes
        }
        else
        {
            protectedHeader.WriteByteString(defect == 7 ? TestKeys.Es256.Kid[..4] : TestKeys.Es256.Kid);
        }

        if (defect == 8)
        {
            protectedHeader.WriteInt32(2); // crit
            protectedHeader.WriteStartArray(1);
            protectedHeader.WriteInt32(99);
            protectedHeader.WriteEndArray();
        }

        protectedHeader.WriteEndMap();
        var protectedBytes = protectedHeader.Encode();
        writer.WriteByteString(protectedBytes);
        if (defect == 9)
        {
            writer.WriteStartArray(0); // unprotected header not a map
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteStartMap(0);
            writer.WriteEndMap();
        }

        if (defect == 10)
        {
            writer.WriteNull(); // detached payload
        }
        else
        {
            writer.WriteByteString(payload);
        }

        if (defect != 2)
        {
            writer.WriteByteString(new byte[64]);
        }

        writer.WriteEndArray();
        return writer.Encode();
    }
}
