using System.Formats.Cbor;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace HealthCode.Formats;

/// <summary>
/// The trust list on the wire: the JSON file of health-code.md ("Keys", with the optional <c>"docKey"</c> of
/// identity.md in base64) and the CBOR form carried by the signed <c>trust</c> feed message (color-feed.md): an array
/// of maps with the same text keys (the message's <c>docKey</c> byte string sits beside it, read by the feed reader). In CBOR, <c>kid</c>,
/// <c>publicKey</c> and <c>certificate</c> may be base64 text (as written) or byte strings; times are ISO 8601 text
/// (an integer of epoch seconds is accepted too).
/// </summary>
/// <remarks>Every reader checks each entry (8-byte kid, region, an importable EC or RSA key, the DCC kid rule for
/// certificates, notBefore ≤ notAfter) and throws <see cref="FormatException"/> on the first bad one: a trust list is
/// taken whole or not at all.</remarks>
public static class TrustListFormat
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    /// <summary>Parses the JSON file form <c>{"issuers": [...]}</c>.</summary>
    /// <exception cref="FormatException">Bad JSON or a bad entry.</exception>
    public static TrustList FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("issuers", out var issuers)
                || issuers.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("A trust list is an object with an \"issuers\" array.");
            }

            byte[]? docKey = null;
            if (document.RootElement.TryGetProperty("docKey", out var docKeyElement) && docKeyElement.ValueKind != JsonValueKind.Null)
            {
                if (docKeyElement.ValueKind != JsonValueKind.String || !docKeyElement.TryGetBytesFromBase64(out docKey))
                {
                    throw new FormatException("docKey is not a base64 string.");
                }

                if (docKey.Length != Identity.DocRef.KeyLength)
                {
                    throw new FormatException($"docKey is {docKey.Length} bytes, not {Identity.DocRef.KeyLength}.");
                }
            }

            var list = new List<TrustedIssuer>();
            var index = 0;
            foreach (var entry in issuers.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"issuers[{index}] is not an object.");
                }

                var fields = new EntryFields();
                foreach (var property in entry.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        throw new FormatException($"issuers[{index}].{property.Name} is not a string.");
                    }

                    fields.Set(property.Name, property.Value.GetString()!, index);
                }

                list.Add(fields.Build(index));
                index++;
            }

            return new TrustList(list, docKey: docKey);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Not a JSON trust list: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the JSON file form.</summary>
    public static string ToJson(TrustList trust)
    {
        ArgumentNullException.ThrowIfNull(trust);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("issuers");
            foreach (var issuer in trust.Issuers)
            {
                writer.WriteStartObject();
                writer.WriteString("kid", Convert.ToBase64String(issuer.Kid));
                writer.WriteString("region", issuer.Region);
                if (issuer.CertificateDer is { } certificate)
                {
                    writer.WriteString("certificate", Convert.ToBase64String(certificate));
                }
                else
                {
                    writer.WriteString("publicKey", Convert.ToBase64String(issuer.SubjectPublicKeyInfo));
                }

                writer.WriteString("notBefore", CodeInspection.Iso(issuer.NotBefore));
                writer.WriteString("notAfter", CodeInspection.Iso(issuer.NotAfter));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (trust.DocKey is { } docKey)
            {
                writer.WriteString("docKey", Convert.ToBase64String(docKey));
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Reads the CBOR form: the value of the trust message's <c>issuers</c> key (an array of entry maps).
    /// The reader is left just after the array.
    /// </summary>
    /// <param name="reader">Positioned at the array.</param>
    /// <param name="signedAt">The trust message's <c>at</c>, kept as <see cref="TrustList.SignedAt"/>.</param>
    /// <exception cref="FormatException">Wrong structure, types or a bad entry.</exception>
    public static TrustList ReadCbor(CborReader reader, DateTimeOffset? signedAt = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            if (reader.PeekState() != CborReaderState.StartArray)
            {
                throw new FormatException("issuers is not an array.");
            }

            var list = new List<TrustedIssuer>();
            reader.ReadStartArray();
            var index = 0;
            while (reader.PeekState() != CborReaderState.EndArray)
            {
                if (reader.PeekState() != CborReaderState.StartMap)
                {
                    throw new FormatException($"issuers[{index}] is not a map.");
                }

                var fields = new EntryFields();
                reader.ReadStartMap();
                while (CborMap.NextTextKey(reader, out var key))
                {
                    switch (reader.PeekState())
                    {
                        case CborReaderState.TextString:
                            fields.Set(key, reader.ReadTextString(), index);
                            break;
                        case CborReaderState.ByteString when key is "kid" or "publicKey" or "certificate":
                            fields.SetBytes(key, reader.ReadByteString());
                            break;
                        case CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger when key is "notBefore" or "notAfter":
                            fields.SetTime(key, DateTimeOffset.FromUnixTimeSeconds(reader.ReadInt64()));
                            break;
                        case CborReaderState.Null:
                            reader.ReadNull();
                            break;
                        default:
                            if (key is "kid" or "region" or "publicKey" or "certificate" or "notBefore" or "notAfter")
                            {
                                throw new FormatException($"issuers[{index}].{key} has the wrong type.");
                            }

                            reader.SkipValue();
                            break;
                    }
                }

                reader.ReadEndMap();
                list.Add(fields.Build(index));
                index++;
            }

            reader.ReadEndArray();
            return new TrustList(list, signedAt);
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new FormatException($"Bad CBOR trust list: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the CBOR form (the value of the trust message's <c>issuers</c> key): kid, keys and certificates as base64 text, times as ISO 8601, like the JSON.</summary>
    public static void WriteCbor(CborWriter writer, TrustList trust)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trust);
        writer.WriteStartArray(trust.Issuers.Count);
        foreach (var issuer in trust.Issuers)
        {
            writer.WriteStartMap(5);
            writer.WriteTextString("kid");
            writer.WriteTextString(Convert.ToBase64String(issuer.Kid));
            writer.WriteTextString("region");
            writer.WriteTextString(issuer.Region);
            if (issuer.CertificateDer is { } certificate)
            {
                writer.WriteTextString("certificate");
                writer.WriteTextString(Convert.ToBase64String(certificate));
            }
            else
            {
                writer.WriteTextString("publicKey");
                writer.WriteTextString(Convert.ToBase64String(issuer.SubjectPublicKeyInfo));
            }

            writer.WriteTextString("notBefore");
            writer.WriteTextString(CodeInspection.Iso(issuer.NotBefore));
            writer.WriteTextString("notAfter");
            writer.WriteTextString(CodeInspection.Iso(issuer.NotAfter));
            writer.WriteEndMap();
        }

        writer.WriteEndArray();
    }

    private sealed class EntryFields
    {
        private byte[]? _kid;
        private string? _region;
        private byte[]? _publicKey;
        private byte[]? _certificate;
        private DateTimeOffset? _notBefore;
        private DateTimeOffset? _notAfter;

        public void Set(string key, string value, int index)
        {
            switch (key)
            {
                case "kid":
                case "publicKey":
                case "certificate":
                    SetBytes(key, Base64(value, key, index));
                    break;
                case "region":
                    _region = value;
                    break;
                case "notBefore":
                case "notAfter":
                    if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
                    {
                        throw new FormatException($"issuers[{index}].{key} is not an ISO 8601 time.");
                    }

                    SetTime(key, instant);
                    break;
            }
        }

        public void SetBytes(string key, byte[] value)
        {
            switch (key)
            {
                case "kid":
                    _kid = value;
                    break;
                case "publicKey":
                    _publicKey = value;
                    break;
                default:
                    _certificate = value;
                    break;
            }
        }

        public void SetTime(string key, DateTimeOffset value)
        {
            if (key == "notBefore")
            {
                _notBefore = value;
            }
            else
            {
                _notAfter = value;
            }
        }

        public TrustedIssuer Build(int index)
        {
            if (string.IsNullOrEmpty(_region))
            {
                throw new FormatException($"issuers[{index}] has no region.");
            }

            TrustedIssuer issuer;
            if (_certificate is not null)
            {
                try
                {
                    issuer = TrustedIssuer.FromCertificate(_certificate, _region, _notBefore, _notAfter);
                }
                catch (CryptographicException ex)
                {
                    throw new FormatException($"issuers[{index}].certificate is not an X.509 certificate: {ex.Message}", ex);
                }

                if (_kid is not null && !_kid.AsSpan().SequenceEqual(issuer.Kid))
                {
                    throw new FormatException($"issuers[{index}].kid is not the certificate's (first 8 bytes of its SHA-256).");
                }
            }
            else
            {
                if (_publicKey is null)
                {
                    throw new FormatException($"issuers[{index}] has neither publicKey nor certificate.");
                }

                if (_kid is null)
                {
                    throw new FormatException($"issuers[{index}] has no kid.");
                }

                if (_notBefore is null || _notAfter is null)
                {
                    throw new FormatException($"issuers[{index}] needs notBefore and notAfter.");
                }

                issuer = TrustedIssuer.FromPublicKey(_kid, _region, _publicKey, _notBefore.Value, _notAfter.Value);
            }

            if (issuer.Kid.Length != 8)
            {
                throw new FormatException($"issuers[{index}].kid is {issuer.Kid.Length} bytes, not 8.");
            }

            if (issuer.NotAfter < issuer.NotBefore)
            {
                throw new FormatException($"issuers[{index}] has notAfter before notBefore.");
            }

            try
            {
                _ = issuer.PublicKey; // import once now: a bad key fails the list, and the kiosk's first code is fast
            }
            catch (CryptographicException ex)
            {
                throw new FormatException($"issuers[{index}] has an unusable public key: {ex.Message}", ex);
            }

            return issuer;
        }

        private static byte[] Base64(string value, string key, int index)
        {
            try
            {
                return Convert.FromBase64String(value);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"issuers[{index}].{key} is not base64.", ex);
            }
        }
    }
}
