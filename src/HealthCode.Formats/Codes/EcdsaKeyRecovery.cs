using System.Numerics;
using System.Security.Cryptography;

namespace HealthCode.Formats;

/// <summary>
/// ECDSA public-key recovery (SEC 1 v2, 4.1.6 "Public Key Recovery Operation"): the public keys for which a signature
/// (r, s) over a hash verifies. For each x = r + j·n below p (j from 0 to the cofactor, 1 here) and each parity of y,
/// R is the point with that x; Q = r⁻¹(sR − eG). One signature fits up to 4 keys (on P-256 and P-384 practically 2:
/// r + n ≥ p but for a 2⁻¹²⁸ chance); two signatures by one key meet in that key.
/// </summary>
/// <remarks>The arithmetic proposes, .NET decides: every candidate is imported (<see cref="ECDsa.ImportParameters"/>) and
/// kept only when .NET's ECDSA verifies the signature with it.</remarks>
public static class EcdsaKeyRecovery
{
    /// <summary>At most this many keys fit one signature (2 x values × 2 parities).</summary>
    public const int MaxCandidates = 4;

    /// <summary>
    /// The SubjectPublicKeyInfo DER of every key for which <paramref name="signature"/> (r‖s, IEEE P1363) verifies over
    /// <paramref name="hash"/> on <paramref name="curve"/>, without repeats; false with a one-line reason when the
    /// signature cannot be one (wrong length, r or s zero or not below n, an empty hash).
    /// </summary>
    public static bool TryRecover(EcPrimeCurve curve, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature, out IReadOnlyList<byte[]> keys, out string? error)
    {
        ArgumentNullException.ThrowIfNull(curve);
        keys = [];
        if (signature.Length != 2 * curve.FieldBytes)
        {
            error = $"a {curve.Name} signature is r‖s of {2 * curve.FieldBytes} bytes, not {signature.Length}";
            return false;
        }

        if (hash.IsEmpty)
        {
            error = "the hash is empty";
            return false;
        }

        var r = EcPrimeCurve.FromBytes(signature[..curve.FieldBytes]);
        var s = EcPrimeCurve.FromBytes(signature[curve.FieldBytes..]);
        if (r.IsZero || r >= curve.N)
        {
            error = "the signature's r is 0 or not below the curve order n";
            return false;
        }

        if (s.IsZero || s >= curve.N)
        {
            error = "the signature's s is 0 or not below the curve order n";
            return false;
        }

        var e = HashToInteger(curve, hash);
        var rInverse = BigInteger.ModPow(r, curve.N - 2, curve.N);
        var u1 = EcPrimeCurve.Mod(-e * rInverse, curve.N); // −e·r⁻¹
        var u2 = EcPrimeCurve.Mod(s * rInverse, curve.N);  // s·r⁻¹
        var found = new List<byte[]>(MaxCandidates);
        for (var j = 0; j <= 1; j++) // the cofactor h is 1
        {
            var x = r + (j * curve.N);
            if (x >= curve.P)
            {
                break;
            }

            foreach (var odd in (ReadOnlySpan<bool>)[false, true])
            {
                // R: the point with this x; on a cofactor-1 curve every point has order n (SEC 1 step 1.4 holds).
                if (curve.Decompress(x, odd) is not { } point)
                {
                    break; // x³ + ax + b has no square root: neither parity is a point
                }

                if (curve.MultiplyAdd(u1, u2, point) is not { } q)
                {
                    continue; // Q at infinity is no public key
                }

                if (Verified(curve, q, hash, signature) is { } spki && !found.Any(k => k.AsSpan().SequenceEqual(spki)))
                {
                    found.Add(spki);
                }
            }
        }

        keys = found;
        error = null;
        return true;
    }

    /// <summary>SEC 1 v2, 4.1.3 step 5: the leftmost bits of the hash, as many as n has.</summary>
    internal static BigInteger HashToInteger(EcPrimeCurve curve, ReadOnlySpan<byte> hash)
    {
        var e = EcPrimeCurve.FromBytes(hash);
        var excess = (hash.Length * 8) - (int)curve.N.GetBitLength();
        return excess > 0 ? e >> excess : e;
    }

    private static byte[]? Verified(EcPrimeCurve curve, (BigInteger X, BigInteger Y) q, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportParameters(new ECParameters
            {
                Curve = curve.Curve,
                Q = new ECPoint { X = curve.ToFixedBytes(q.X), Y = curve.ToFixedBytes(q.Y) },
            });
            return key.VerifyHash(hash, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation) ? key.ExportSubjectPublicKeyInfo() : null;
        }
        catch (CryptographicException)
        {
            return null; // .NET refuses the point: not a key
        }
    }
}
