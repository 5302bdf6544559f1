using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;

namespace HealthCode.Formats;

/// <summary>
/// Makes HCN1 codes: CWT claims with claim -1001, COSE_Sign1 (tag 18, alg and kid protected) signed with
/// System.Security.Cryptography.Cose, zlib, Base45, prefix. For the authority tool, the demo and tests.
/// </summary>
public sealed class HealthCodeIssuer
{
    private readonly SigningKey _key;

    /// <summary>An issuer signing with <paramref name="key"/> (ES256 for an EC key, PS256 for RSA).</summary>
    public HealthCodeIssuer(SigningKey key)
    {
        _key = key ?? throw new ArgumentNullException(nameof(key));
    }

    /// <summary>The signing key's kid.</summary>
    public ReadOnlySpan<byte> Kid => _key.Kid;

    /// <summary>The QR text <c>HCN1:...</c> of a code.</summary>
    public string Issue(string iss, DateTimeOffset iat, DateTimeOffset exp, HealthCodeClaim claim) =>
        EncodeText(IssueCose(iss, iat, exp, claim));

    /// <summary>The COSE_Sign1 bytes of a code (layer 4).</summary>
    public byte[] IssueCose(string iss, DateTimeOffset iat, DateTimeOffset exp, HealthCodeClaim claim) =>
        Sign(EncodeClaims(iss, iat, exp, claim));

    /// <summary>Signs any payload as COSE_Sign1 with this key: alg and kid in the protected header, tag 18.</summary>
    public byte[] Sign(byte[] payload) => SignCose(_key, payload);

    /// <summary>Signs <paramref name="payload"/> as COSE_Sign1 (tag 18, protected alg and kid) with <paramref name="key"/>.</summary>
    public static byte[] SignCose(SigningKey key, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(payload);
        var protectedHeaders = new CoseHeaderMap { { CoseHeaderLabel.KeyIdentifier, CoseHeaderValue.FromBytes(key.Kid) } };
        var signer = key.Key switch
        {
            ECDsa ecdsa => new CoseSigner(ecdsa, HashAlgorithmName.SHA256, protectedHeaders),
            RSA rsa => new CoseSigner(rsa, RSASignaturePadding.Pss, HashAlgorithmName.SHA256, protectedHeaders),
            _ => throw new InvalidOperationException("Unsupported key."),
        };
        return CoseSign1Message.SignEmbedded(payload, signer);
    }

    /// <summary>Layers 3-1 over COSE bytes: zlib (unless told not to), Base45, prefix.</summary>
    public static string EncodeText(ReadOnlySpan<byte> cose, string prefix = HealthCodeInspector.HealthCodePrefix, bool compress = true) =>
        prefix + Base45.Encode(compress ? Zlib.Deflate(cose) : cose);

    /// <summary>The CWT claims map of a code (layers 5-6).</summary>
    public static byte[] EncodeClaims(string iss, DateTimeOffset iat, DateTimeOffset exp, HealthCodeClaim claim)
    {
        ArgumentNullException.ThrowIfNull(iss);
        ArgumentNullException.ThrowIfNull(claim);
        var writer = new CborWriter(CborConformanceMode.Strict);
        writer.WriteStartMap(4);
        writer.WriteInt32(1);
        writer.WriteTextString(iss);
        writer.WriteInt32(4);
        writer.WriteInt64(exp.ToUnixTimeSeconds());
        writer.WriteInt32(6);
        writer.WriteInt64(iat.ToUnixTimeSeconds());
        writer.WriteInt32(-1001);
        writer.WriteStartMap(5 + (claim.Proxy ? 1 : 0) + (claim.Document is null ? 0 : 1));
        writer.WriteTextString("v");
        writer.WriteTextString("1");
        writer.WriteTextString("id");
        writer.WriteByteString(claim.Id.ToArray());
        writer.WriteTextString("c");
        writer.WriteUInt32((uint)claim.Color);
        writer.WriteTextString("ct");
        writer.WriteInt64(claim.ColorTime);
        writer.WriteTextString("n");
        writer.WriteTextString(claim.MaskedName);
        if (claim.Proxy)
        {
            writer.WriteTextString("p");
            writer.WriteBoolean(true);
        }

        if (claim.Document is { } document)
        {
            writer.WriteTextString("d");
            writer.WriteByteString(document.ToArray());
        }

        writer.WriteEndMap();
        writer.WriteEndMap();
        return writer.Encode();
    }
}
