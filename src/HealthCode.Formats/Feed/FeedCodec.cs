using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;

namespace HealthCode.Formats.Feed;

/// <summary>
/// Decodes and verifies color-feed messages (color-feed.md): a COSE_Sign1 (ES256) signed by the pinned
/// authority key around a CBOR map. Never throws on bad input: every failure is a <see cref="FeedDecodeResult"/>
/// with a one-line error. The work is bounded by the message size (declared counts are checked against
/// the bytes that remain before anything is allocated).
/// </summary>
public static class FeedCodec
{
    /// <summary>COSE algorithm id of ES256.</summary>
    public const int Es256 = -7;

    /// <summary>Verifies the signature with <paramref name="authorityKey"/> and decodes the payload.</summary>
    public static FeedDecodeResult Decode(ReadOnlySpan<byte> cose, ECDsa authorityKey, FeedLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(authorityKey);
        limits ??= FeedLimits.Default;
        if (cose.Length == 0)
        {
            return FeedDecodeResult.Failure("cose: empty message");
        }

        if (cose.Length > limits.MaxMessageBytes)
        {
            return FeedDecodeResult.Failure($"cose: message of {cose.Length} bytes exceeds the limit of {limits.MaxMessageBytes}");
        }

        CoseSign1Message message;
        try
        {
            message = CoseSign1Message.DecodeSign1(cose);
        }
        catch (CryptographicException ex)
        {
            return FeedDecodeResult.Failure($"cose: not a COSE_Sign1 message ({OneLine(ex.Message)})");
        }

        if (message.Content is not { } content)
        {
            return FeedDecodeResult.Failure("cose: detached payload is not allowed");
        }

        if (!message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.Algorithm, out var algValue))
        {
            return FeedDecodeResult.Failure("cose: protected header has no alg");
        }

        int alg;
        try
        {
            alg = algValue.GetValueAsInt32();
        }
        catch (Exception ex) when (ex is InvalidOperationException or CborContentException or OverflowException)
        {
            return FeedDecodeResult.Failure("cose: alg is not an integer");
        }

        if (alg != Es256)
        {
            return FeedDecodeResult.Failure($"cose: alg {alg} is not ES256 (-7)");
        }

        bool verified;
        try
        {
            verified = message.VerifyEmbedded(authorityKey);
        }
        catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or ArgumentException)
        {
            return FeedDecodeResult.Failure($"cose: signature check failed ({OneLine(ex.Message)})");
        }

        if (!verified)
        {
            return FeedDecodeResult.Failure("cose: bad signature (not signed by the authority key)");
        }

        return FeedPayloadReader.Read(content, limits);
    }

    /// <summary>Decodes an already-verified payload (tests and tools). Same rules as <see cref="Decode"/>.</summary>
    public static FeedDecodeResult DecodePayload(ReadOnlyMemory<byte> payload, FeedLimits? limits = null) =>
        FeedPayloadReader.Read(payload, limits ?? FeedLimits.Default);

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
