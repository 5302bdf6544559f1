using System.Formats.Cbor;
using HealthCode.Formats.Identity;

namespace HealthCode.Formats;

/// <summary>Layers 5 and 6: the CWT claims map (RFC 8392) and, for a health code, claim -1001.</summary>
internal sealed class CwtClaims
{
    private const int ClaimIss = 1;
    private const int ClaimExp = 4;
    private const int ClaimIat = 6;
    private const int ClaimHealthCode = -1001;
    private const int ClaimDcc = -260;

    public required string Issuer { get; init; }

    public required long IssuedAt { get; init; }

    public required long ExpiresAt { get; init; }

    /// <summary>Claim -1001; null for an <c>HC1:</c> code.</summary>
    public HealthCodeClaim? HealthCode { get; init; }

    /// <summary>Reads the claims; <paramref name="healthCode"/> selects claim -1001 (HCN1) or the DCC container -260 (HC1).</summary>
    public static bool TryRead(ReadOnlyMemory<byte> payload, bool healthCode, out CwtClaims? claims, out string? error, out int failedLayer)
    {
        claims = null;
        failedLayer = 5;
        try
        {
            var reader = new CborReader(payload, CborConformanceMode.Strict);
            if (reader.PeekState() != CborReaderState.StartMap)
            {
                error = $"CWT claims: expected a map, found {CoseSign1.Describe(reader.PeekState())}";
                return false;
            }

            string? iss = null;
            long? iat = null;
            long? exp = null;
            HealthCodeClaim? claim = null;
            var sawClaim = false;
            reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                var state = reader.PeekState();
                if (state is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
                {
                    reader.SkipValue();
                    reader.SkipValue();
                    continue;
                }

                var key = reader.ReadInt64();
                switch (key)
                {
                    case ClaimIss:
                        if (reader.PeekState() != CborReaderState.TextString)
                        {
                            error = "CWT claims: iss (1) is not text";
                            return false;
                        }

                        iss = reader.ReadTextString();
                        break;
                    case ClaimIat:
                    case ClaimExp:
                        if (reader.PeekState() is not (CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger))
                        {
                            error = $"CWT claims: {(key == ClaimIat ? "iat (6)" : "exp (4)")} is not an integer";
                            return false;
                        }

                        var value = reader.ReadInt64();
                        if (key == ClaimIat)
                        {
                            iat = value;
                        }
                        else
                        {
                            exp = value;
                        }

                        break;
                    case ClaimHealthCode when healthCode:
                        sawClaim = true;
                        if (!TryReadHealthCodeClaim(reader, out claim, out error))
                        {
                            failedLayer = 6;
                            return false;
                        }

                        break;
                    case ClaimDcc when !healthCode:
                        sawClaim = true;
                        if (!TryCheckDccContainer(reader, out error))
                        {
                            failedLayer = 6;
                            return false;
                        }

                        break;
                    default:
                        reader.SkipValue();
                        break;
                }
            }

            reader.ReadEndMap();
            if (reader.BytesRemaining != 0)
            {
                error = "CWT claims: trailing bytes after the map";
                return false;
            }

            if (iss is null || iat is null || exp is null)
            {
                error = $"CWT claims: missing {(iss is null ? "iss (1)" : iat is null ? "iat (6)" : "exp (4)")}";
                return false;
            }

            if (!sawClaim)
            {
                failedLayer = 6;
                error = healthCode ? "no health-code claim (-1001)" : "no DCC claim (-260)";
                return false;
            }

            claims = new CwtClaims { Issuer = iss, IssuedAt = iat.Value, ExpiresAt = exp.Value, HealthCode = claim };
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            error = $"CWT claims: bad CBOR ({ex.Message.TrimEnd('.')})";
            return false;
        }
    }

    private static bool TryReadHealthCodeClaim(CborReader reader, out HealthCodeClaim? claim, out string? error)
    {
        claim = null;
        if (reader.PeekState() != CborReaderState.StartMap)
        {
            error = "claim -1001 is not a map";
            return false;
        }

        string? version = null;
        byte[]? id = null;
        ulong? color = null;
        long? colorTime = null;
        string? name = null;
        var proxy = false;
        byte[]? document = null;
        reader.ReadStartMap();
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            if (reader.PeekState() != CborReaderState.TextString)
            {
                reader.SkipValue();
                reader.SkipValue();
                continue;
            }

            var key = reader.ReadTextString();
            var state = reader.PeekState();
            switch (key)
            {
                case "v" when state == CborReaderState.TextString:
                    version = reader.ReadTextString();
                    break;
                case "id" when state == CborReaderState.ByteString:
                    id = reader.ReadByteString();
                    break;
                case "c" when state == CborReaderState.UnsignedInteger:
                    color = reader.ReadUInt64();
                    break;
                case "ct" when state is CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger:
                    colorTime = reader.ReadInt64();
                    break;
                case "n" when state == CborReaderState.TextString:
                    name = reader.ReadTextString();
                    break;
                case "p" when state == CborReaderState.Boolean:
                    proxy = reader.ReadBoolean();
                    break;
                case "d" when state == CborReaderState.ByteString:
                    document = reader.ReadByteString();
                    break;
                case "v" or "id" or "c" or "ct" or "n" or "p" or "d":
                    error = $"claim -1001: '{key}' has the wrong type ({CoseSign1.Describe(state)})";
                    return false;
                default:
                    reader.SkipValue();
                    break;
            }
        }

        reader.ReadEndMap();
        var missing = version is null ? "v" : id is null ? "id" : color is null ? "c" : colorTime is null ? "ct" : name is null ? "n" : null;
        if (missing is not null)
        {
            error = $"claim -1001: missing '{missing}'";
            return false;
        }

        if (version != "1")
        {
            error = "claim -1001: unsupported version (v must be \"1\")";
            return false;
        }

        if (id!.Length != CodeId.Length)
        {
            error = $"claim -1001: id is {id.Length} bytes, not 16";
            return false;
        }

        if (color > (ulong)HealthColor.Red)
        {
            error = "claim -1001: color outside 0..2";
            return false;
        }

        if (document is not null && document.Length != DocRef.Length)
        {
            error = $"claim -1001: 'd' is {document.Length} bytes, not 16";
            return false;
        }

        claim = new HealthCodeClaim(CodeId.FromBytes(id), (HealthColor)color!.Value, colorTime!.Value, name!, proxy,
            document is null ? null : DocRef.FromBytes(document));
        error = null;
        return true;
    }

    // An HC1 code is never a health code; its payload is the DCC's. We only check that the container holds
    // maps (hcert: {1: {...}}), which is what the corpus's EXPECTEDDECODE asks of a decoder.
    private static bool TryCheckDccContainer(CborReader reader, out string? error)
    {
        if (reader.PeekState() != CborReaderState.StartMap)
        {
            error = "DCC claim -260 is not a map";
            return false;
        }

        reader.ReadStartMap();
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            reader.SkipValue();
            if (reader.PeekState() != CborReaderState.StartMap)
            {
                error = "DCC claim -260: a certificate is not a map";
                return false;
            }

            reader.SkipValue();
        }

        reader.ReadEndMap();
        error = null;
        return true;
    }
}
