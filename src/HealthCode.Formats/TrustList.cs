using System.Collections.Frozen;
using HealthCode.Formats.Identity;

namespace HealthCode.Formats;

/// <summary>An immutable set of issuer keys, looked up by kid. Several regions in one list is cross-region recognition.
/// It may also carry the national docKey of ID cards (identity.md).</summary>
public sealed class TrustList
{
    private readonly FrozenDictionary<ulong, TrustedIssuer[]> _byKid;
    private readonly byte[]? _docKey;

    /// <param name="issuers">The issuer keys.</param>
    /// <param name="signedAt">The <c>at</c> of the signed trust message it came from; null for a file.</param>
    /// <param name="docKey">The docKey (32 bytes), when the list carries one.</param>
    /// <exception cref="ArgumentException"><paramref name="docKey"/> is not 32 bytes.</exception>
    public TrustList(IEnumerable<TrustedIssuer> issuers, DateTimeOffset? signedAt = null, byte[]? docKey = null)
    {
        ArgumentNullException.ThrowIfNull(issuers);
        if (docKey is not null && docKey.Length != DocRef.KeyLength)
        {
            throw new ArgumentException($"A docKey is {DocRef.KeyLength} bytes, not {docKey.Length}.", nameof(docKey));
        }

        Issuers = issuers.ToArray();
        SignedAt = signedAt;
        _docKey = docKey?.ToArray();
        _byKid = Issuers
            .GroupBy(i => KidKey(i.Kid))
            .ToFrozenDictionary(g => g.Key, g => g.ToArray());
    }

    public static TrustList Empty { get; } = new([]);

    public IReadOnlyList<TrustedIssuer> Issuers { get; }

    /// <summary>The <c>at</c> of the signed trust message this list came from; null for a file.</summary>
    public DateTimeOffset? SignedAt { get; }

    /// <summary>The national docKey (32 bytes) of docRefs, a copy; null when the list carries none (then cards cannot be used).</summary>
    public byte[]? DocKey => _docKey?.ToArray();

    /// <summary>True when the list carries a docKey.</summary>
    public bool HasDocKey => _docKey is not null;

    /// <summary>The docRef of a citizen number under this list's docKey; null when the list has no docKey.</summary>
    /// <exception cref="ArgumentException">The number is not 18 ASCII characters.</exception>
    public DocRef? DocRefOf(string citizenNumber) => _docKey is { } key ? DocRef.Compute(key, citizenNumber) : null;

    /// <summary>All entries with this kid (normally one; a kid may be shared by a renewed key).</summary>
    public ReadOnlySpan<TrustedIssuer> Find(ReadOnlySpan<byte> kid)
    {
        if (kid.Length == 0 || kid.Length > 8)
        {
            // The DCC rule cuts kids to 8 bytes; a longer one can only match by its first 8.
            if (kid.Length > 8)
            {
                kid = kid[..8];
            }
            else
            {
                return [];
            }
        }

        if (!_byKid.TryGetValue(KidKey(kid), out var found))
        {
            return [];
        }

        var exact = 0;
        foreach (var issuer in found)
        {
            if (issuer.Kid.AsSpan().SequenceEqual(kid))
            {
                exact++;
            }
        }

        if (exact == found.Length)
        {
            // The usual case: no allocation on the hot path.
            return found;
        }

        var matches = new List<TrustedIssuer>(exact);
        foreach (var issuer in found)
        {
            if (issuer.Kid.AsSpan().SequenceEqual(kid))
            {
                matches.Add(issuer);
            }
        }

        return matches.ToArray();
    }

    private static ulong KidKey(ReadOnlySpan<byte> kid)
    {
        Span<byte> buffer = stackalloc byte[8];
        buffer.Clear();
        kid[..Math.Min(8, kid.Length)].CopyTo(buffer);
        return BitConverter.ToUInt64(buffer) ^ (ulong)kid.Length << 56;
    }
}
