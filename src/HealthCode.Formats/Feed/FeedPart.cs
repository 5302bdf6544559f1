using System.Security.Cryptography;

namespace HealthCode.Formats.Feed;

/// <summary>
/// The unsigned parts of a manifest (color-feed.md, "A province"): decoding, hashing (SHA-256 of the exact bytes, before
/// anything is decoded) and encoding.
/// </summary>
public static class FeedPart
{
    /// <summary>Largest part (and largest message the authority sends), in bytes.</summary>
    public const int MaxBytes = 1_048_576;

    /// <summary>Length of a part's hash in the manifest (SHA-256).</summary>
    public const int HashBytes = 32;

    /// <summary>Decodes a part. Never throws: empty, over <see cref="MaxBytes"/>, a <c>t</c> other than <c>part</c>, a missing
    /// key or a wrong type is an error. Does not check order or the manifest (see <see cref="ManifestPartChecker"/>).</summary>
    public static FeedPartDecodeResult Decode(ReadOnlyMemory<byte> bytes, FeedLimits? limits = null)
    {
        if (bytes.Length == 0)
        {
            return FeedPartDecodeResult.Failure("part: empty");
        }

        if (bytes.Length > MaxBytes)
        {
            return FeedPartDecodeResult.Failure($"part: {bytes.Length} bytes exceeds the limit of {MaxBytes}");
        }

        return FeedPayloadReader.ReadPart(bytes, limits ?? FeedLimits.Default);
    }

    /// <summary>SHA-256 of the exact bytes.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> bytes) => SHA256.HashData(bytes);

    /// <summary>Whether <paramref name="bytes"/> hash to <paramref name="expectedHash"/> (compared in constant time).</summary>
    public static bool Matches(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> expectedHash)
    {
        if (expectedHash.Length != HashBytes)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[HashBytes];
        SHA256.HashData(bytes, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expectedHash);
    }

    /// <summary>The part's CBOR map: <c>t, feed, seq, i, records, docRecords</c>. Does not check its size or order.</summary>
    public static byte[] Encode(PartMessage part)
    {
        ArgumentNullException.ThrowIfNull(part);
        return FeedEncoder.EncodePart(part);
    }
}
