using System.Collections.Frozen;
using System.Security.Cryptography;
using HealthCode.Formats.Identity;

namespace HealthCode.Formats;

/// <summary>One issuer key of the trust list (<c>health-code.md</c>, "Keys").</summary>
public sealed class TrustedIssuer
{
    /// <summary>Key identifier: 8 bytes.</summary>
    public required byte[] Kid { get; init; }

    /// <summary>Region the key may sign for; must equal the code's <c>iss</c>.</summary>
    public required string Region { get; init; }

    /// <summary>SubjectPublicKeyInfo DER (P-256 or RSA). Taken from the certificate when the entry carries one.</summary>
    public required byte[] SubjectPublicKeyInfo { get; init; }

    /// <summary>The X.509 DER when the entry was given as a certificate (then <see cref="Kid"/> is the first 8 bytes of its SHA-256).</summary>
    public byte[]? CertificateDer { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>True when <paramref name="instant"/> lies inside the key's validity (inclusive).</summary>
    public bool IsValidAt(DateTimeOffset instant) => instant >= NotBefore && instant <= NotAfter;

    /// <summary>The DCC kid rule: first 8 bytes of SHA-256 over the certificate DER.</summary>
    public static byte[] KidOfCertificate(ReadOnlySpan<byte> certificateDer) => SHA256.HashData(certificateDer)[..8];

    private AsymmetricAlgorithm? _publicKey;

    /// <summary>The imported public key (<see cref="ECDsa"/> or <see cref="RSA"/>), imported once and cached for the life of this entry.</summary>
    /// <exception cref="CryptographicException">The SubjectPublicKeyInfo is neither an EC nor an RSA key.</exception>
    public AsymmetricAlgorithm PublicKey
    {
        get
        {
            if (_publicKey is { } key)
            {
                return key;
            }

            var imported = PublicKeys.Import(SubjectPublicKeyInfo);
            var winner = Interlocked.CompareExchange(ref _publicKey, imported, null);
            if (winner is not null)
            {
                imported.Dispose();
                return winner;
            }

            return imported;
        }
    }

    /// <summary>An entry for a bare public key.</summary>
    public static TrustedIssuer FromPublicKey(byte[] kid, string region, byte[] subjectPublicKeyInfo, DateTimeOffset notBefore, DateTimeOffset notAfter) => new()
    {
        Kid = kid,
        Region = region,
        SubjectPublicKeyInfo = subjectPublicKeyInfo,
        NotBefore = notBefore,
        NotAfter = notAfter,
    };

    /// <summary>An entry for an X.509 certificate: kid by the DCC rule, validity from the certificate unless given.</summary>
    /// <exception cref="CryptographicException">Not a certificate.</exception>
    public static TrustedIssuer FromCertificate(byte[] certificateDer, string region, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificateDer);
        return new TrustedIssuer
        {
            Kid = KidOfCertificate(certificateDer),
            Region = region,
            SubjectPublicKeyInfo = certificate.PublicKey.ExportSubjectPublicKeyInfo(),
            CertificateDer = certificateDer,
            NotBefore = notBefore ?? new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter = notAfter ?? new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        };
    }
}

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
