namespace HealthCode.Formats;

/// <summary>What a code is checked against: a trust list, or one certificate (the DCC test-corpus way), at an instant, with a clock skew.</summary>
public sealed class InspectionContext
{
    /// <summary>The default skew of health-code.md: 120 s.</summary>
    public static readonly TimeSpan DefaultSkew = TimeSpan.FromSeconds(120);

    private InspectionContext(TrustList? trust, bool singleCertificate, DateTimeOffset now, TimeSpan skew)
    {
        if (skew < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(skew), "The skew cannot be negative.");
        }

        Trust = trust;
        SingleCertificate = singleCertificate;
        Now = now;
        Skew = skew;
    }

    /// <summary>The issuer keys; null when no keys were given (the signature is then not checked).</summary>
    public TrustList? Trust { get; }

    /// <summary>Checked against one certificate: the kid must be the certificate's; no region rule (a certificate names no region).</summary>
    public bool SingleCertificate { get; }

    /// <summary>The instant of the expiry checks.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Allowed clock difference for <c>exp</c> and <c>iat</c>.</summary>
    public TimeSpan Skew { get; }

    /// <summary>Against a trust list (kid lookup, region = iss, iat inside the key's validity).</summary>
    public static InspectionContext ForTrustList(TrustList trust, DateTimeOffset now, TimeSpan? skew = null)
    {
        ArgumentNullException.ThrowIfNull(trust);
        return new InspectionContext(trust, false, now, skew ?? DefaultSkew);
    }

    /// <summary>Against one certificate (X.509 DER), as the DCC corpus's <c>TESTCTX.CERTIFICATE</c>.</summary>
    /// <remarks>A certificate whose key never verifies (health-code.md, "Keys": secp256k1, Brainpool, RSA below 2048 bits, a
    /// key of another algorithm) is taken: every code checked against it gets signature <c>invalid</c> with the reason.</remarks>
    /// <exception cref="System.Security.Cryptography.CryptographicException">Not an X.509 certificate.</exception>
    public static InspectionContext ForCertificate(byte[] certificateDer, DateTimeOffset now, TimeSpan? skew = null) =>
        ForCertificate(TrustedIssuer.FromCertificate(certificateDer, region: string.Empty), now, skew);

    /// <summary>Against one certificate entry made once (for batches: keeps the imported key).</summary>
    public static InspectionContext ForCertificate(TrustedIssuer certificate, DateTimeOffset now, TimeSpan? skew = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new InspectionContext(new TrustList([certificate]), true, now, skew ?? DefaultSkew);
    }

    /// <summary>Decoding only: the signature is reported as not checked.</summary>
    public static InspectionContext WithoutKeys(DateTimeOffset now, TimeSpan? skew = null) => new(null, false, now, skew ?? DefaultSkew);
}
