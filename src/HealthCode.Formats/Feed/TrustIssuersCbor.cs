using System.Formats.Cbor;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HealthCode.Formats.Feed;

/// <summary>
/// The <c>issuers</c> array of a <c>trust</c> message: the trust list of health-code.md ("Keys") written as CBOR
/// with the same text keys and text values (kid, publicKey and certificate as base64 text; dates as ISO 8601 text).
/// </summary>
internal static class TrustIssuersCbor
{
    private const int MaxIssuers = 10_000;

    public static TrustList Read(CborReader reader, DateTimeOffset? signedAt)
    {
        FeedPayloadReader.Expect(reader, CborReaderState.StartArray, "issuers must be an array");
        var declared = reader.ReadStartArray();
        if (declared > MaxIssuers)
        {
            throw new FeedFormatException($"issuers: more than {MaxIssuers} entries");
        }

        var issuers = new List<TrustedIssuer>();
        while (reader.PeekState() != CborReaderState.EndArray)
        {
            if (issuers.Count >= MaxIssuers)
            {
                throw new FeedFormatException($"issuers: more than {MaxIssuers} entries");
            }

            issuers.Add(ReadIssuer(reader, issuers.Count));
        }

        reader.ReadEndArray();
        return new TrustList(issuers, signedAt);
    }

    public static void Write(CborWriter writer, TrustList trust)
    {
        writer.WriteStartArray(trust.Issuers.Count);
        foreach (var issuer in trust.Issuers)
        {
            writer.WriteStartMap(5);
            writer.WriteTextString("kid");
            writer.WriteTextString(Convert.ToBase64String(issuer.Kid));
            writer.WriteTextString("region");
            writer.WriteTextString(issuer.Region);
            if (issuer.CertificateDer is { } cert)
            {
                writer.WriteTextString("certificate");
                writer.WriteTextString(Convert.ToBase64String(cert));
            }
            else
            {
                writer.WriteTextString("publicKey");
                writer.WriteTextString(Convert.ToBase64String(issuer.SubjectPublicKeyInfo));
            }

            writer.WriteTextString("notBefore");
            writer.WriteTextString(issuer.NotBefore.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.WriteTextString("notAfter");
            writer.WriteTextString(issuer.NotAfter.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            writer.WriteEndMap();
        }

        writer.WriteEndArray();
    }

    private static TrustedIssuer ReadIssuer(CborReader reader, int index)
    {
        FeedPayloadReader.Expect(reader, CborReaderState.StartMap, $"issuers[{index}] must be a map");
        reader.ReadStartMap();
        byte[]? kid = null;
        string? region = null;
        byte[]? spki = null;
        byte[]? cert = null;
        DateTimeOffset? notBefore = null;
        DateTimeOffset? notAfter = null;
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            FeedPayloadReader.Expect(reader, CborReaderState.TextString, $"issuers[{index}] keys must be text");
            var key = reader.ReadTextString();
            switch (key)
            {
                case "kid":
                    kid = Base64(reader, index, key);
                    if (kid.Length != 8)
                    {
                        throw new FeedFormatException($"issuers[{index}]: kid must be 8 bytes");
                    }

                    break;
                case "region":
                    region = FeedPayloadReader.ReadText(reader, $"issuers[{index}].region", 64);
                    break;
                case "publicKey":
                    spki = Base64(reader, index, key);
                    break;
                case "certificate":
                    cert = Base64(reader, index, key);
                    break;
                case "notBefore":
                    notBefore = Date(reader, index, key);
                    break;
                case "notAfter":
                    notAfter = Date(reader, index, key);
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }

        reader.ReadEndMap();
        if (region is null || notBefore is null || notAfter is null)
        {
            throw new FeedFormatException($"issuers[{index}]: region, notBefore and notAfter are required");
        }

        if (cert is not null)
        {
            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(cert);
                spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
            }
            catch (CryptographicException)
            {
                throw new FeedFormatException($"issuers[{index}]: certificate is not X.509 DER");
            }

            kid = TrustedIssuer.KidOfCertificate(cert);
        }

        if (spki is null || kid is null)
        {
            throw new FeedFormatException($"issuers[{index}]: kid and publicKey (or certificate) are required");
        }

        return new TrustedIssuer
        {
            Kid = kid,
            Region = region,
            SubjectPublicKeyInfo = spki,
            CertificateDer = cert,
            NotBefore = notBefore.Value,
            NotAfter = notAfter.Value,
        };
    }

    private static byte[] Base64(CborReader reader, int index, string key)
    {
        var text = FeedPayloadReader.ReadText(reader, $"issuers[{index}].{key}", 1 << 16);
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new FeedFormatException($"issuers[{index}]: {key} is not base64");
        }
    }

    private static DateTimeOffset Date(CborReader reader, int index, string key)
    {
        var text = FeedPayloadReader.ReadText(reader, $"issuers[{index}].{key}", 64);
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new FeedFormatException($"issuers[{index}]: {key} is not an ISO 8601 date");
        }

        return value;
    }
}
