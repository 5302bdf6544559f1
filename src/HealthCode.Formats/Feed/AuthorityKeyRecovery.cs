using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;

namespace HealthCode.Formats.Feed;

/// <summary>
/// The authority's public key from feed messages it signed (color-feed.md: the retained <c>trust</c>, <c>heartbeat</c>
/// and <c>snapshot</c> or manifest are all COSE_Sign1, ES256, by the authority key), for an installer who has the
/// key's fingerprint on paper but not the key. One ECDSA signature fits up to 4 keys (<see cref="EcdsaKeyRecovery"/>);
/// the key is the one that every message's candidates share, and two messages are needed to single it out.
/// </summary>
public static class AuthorityKeyRecovery
{
    /// <summary>
    /// The keys that could have signed one COSE_Sign1 (ES256, P-256 or P-384 by the signature's length), each checked
    /// by .NET's COSE verification of the message; false with a one-line reason for a message that is not one.
    /// </summary>
    public static bool TryCandidates(ReadOnlySpan<byte> cose, out IReadOnlyList<byte[]> keys, out string? error)
    {
        keys = [];
        CoseSign1Message message;
        try
        {
            message = CoseSign1Message.DecodeSign1(cose);
        }
        catch (CryptographicException ex)
        {
            error = $"not a COSE_Sign1 message ({FeedCodec.OneLine(ex.Message)})";
            return false;
        }

        if (message.Content is not { } content)
        {
            error = "a detached payload (nil) is not a feed message";
            return false;
        }

        int alg;
        try
        {
            alg = message.ProtectedHeaders.TryGetValue(CoseHeaderLabel.Algorithm, out var value) ? value.GetValueAsInt32() : 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or CborContentException or OverflowException)
        {
            alg = 0;
        }

        if (alg != FeedCodec.Es256)
        {
            error = "the protected header does not say ES256 (-7)";
            return false;
        }

        var signature = message.Signature.Span;
        if (EcPrimeCurve.ForSignatureLength(signature.Length) is not { } curve)
        {
            error = $"an ES256 signature is r‖s of 64 bytes (P-256) or 96 (P-384), not {signature.Length}";
            return false;
        }

        var hash = SHA256.HashData(CoseSignature.ToBeSigned(message.RawProtectedHeaders.Span, content.Span));
        if (!EcdsaKeyRecovery.TryRecover(curve, hash, signature, out var recovered, out error))
        {
            return false;
        }

        // The recovery already verified each candidate over the hash; the COSE library verifies the message itself, so
        // the Sig_structure built here never has the last word either.
        var verified = new List<byte[]>(recovered.Count);
        foreach (var spki in recovered)
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out _);
            try
            {
                if (message.VerifyEmbedded(key))
                {
                    verified.Add(spki);
                }
            }
            catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or ArgumentException)
            {
                // .NET does not take this key for this message: not a candidate
            }
        }

        keys = verified;
        error = null;
        return true;
    }

    /// <summary>
    /// The one key that signed every message: each message's candidates, intersected. Fails (one line) when a message
    /// is not a signed feed message, when the messages share no key ("not signed by one key"), and when they leave
    /// more than one (a single message: its signature fits up to 4 keys).
    /// </summary>
    public static AuthorityKeyRecoveryResult Recover(IReadOnlyList<SignedFeedMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return new(null, "no signed feed message to read the authority key from");
        }

        List<byte[]>? common = null;
        foreach (var message in messages)
        {
            if (!TryCandidates(message.Cose.Span, out var keys, out var error))
            {
                return new(null, $"{message.Name}: {error}");
            }

            if (keys.Count == 0)
            {
                return new(null, $"{message.Name}: its signature verifies with no key (a damaged message)");
            }

            common = common is null ? [.. keys] : common.Where(k => keys.Any(c => c.AsSpan().SequenceEqual(k))).ToList();
            if (common.Count == 0)
            {
                return new(null, $"the retained messages are not signed by one key ({string.Join(", ", messages.Select(m => m.Name))}): the authority changed its key, or one is not the authority's");
            }
        }

        if (common!.Count > 1)
        {
            return messages.Count == 1
                ? new(null, $"only one signed message ({messages[0].Name}): one ECDSA signature fits up to {EcdsaKeyRecovery.MaxCandidates} keys (this one {common.Count}), so a second message signed by the authority is needed (the retained trust and heartbeat or snapshot)")
                : new(null, $"the messages ({string.Join(", ", messages.Select(m => m.Name))}) leave {common.Count} keys possible: another message signed by the authority is needed");
        }

        return new(common[0], null);
    }
}
