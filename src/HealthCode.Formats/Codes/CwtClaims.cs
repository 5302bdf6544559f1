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

    /// <summary>Largest NumericDate accepted: the last second of the year 9999 (health-code.md, layer 5).</summary>
    public const long MaxEpochSeconds = 253_402_300_799;

    /// <summary><c>iat</c>, a NumericDate within the years 1970-9999 (sub-second when the claim was a floating-point number).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary><c>exp</c>, a NumericDate within the years 1970-9999.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

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
            DateTimeOffset? iat = null;
            DateTimeOffset? exp = null;
            HealthCodeClaim? claim = null;
            var sawClaim = false;
            reader.ReadStartMap();
            while (CborMap.NextIntegerKey(reader, out var key))
            {
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
                        if (!TryReadNumericDate(reader, key == ClaimIat ? "iat (6)" : "exp (4)", out var value, out error))
                        {
                            return false;
                        }

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

            if (!CborMap.EndsPayload(reader))
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

    /// <summary>
    /// A NumericDate (RFC 8392): epoch seconds as an integer or a floating-point number of any width. NaN, an infinity or
    /// a value outside the years 1970-9999 is an error; a fraction is kept to the tick.
    /// </summary>
    private static bool TryReadNumericDate(CborReader reader, string name, out DateTimeOffset instant, out string? error)
    {
        instant = default;
        switch (reader.PeekState())
        {
            case CborReaderState.UnsignedInteger:
            {
                var seconds = reader.ReadUInt64();
                if (seconds > MaxEpochSeconds)
                {
                    error = $"CWT claims: {name} is after the year 9999";
                    return false;
                }

                instant = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
                error = null;
                return true;
            }

            case CborReaderState.NegativeInteger:
                reader.SkipValue();
                error = $"CWT claims: {name} is before 1970";
                return false;
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
            {
                var seconds = reader.ReadDouble();
                if (!double.IsFinite(seconds))
                {
                    error = $"CWT claims: {name} is {(double.IsNaN(seconds) ? "NaN" : "infinite")}";
                    return false;
                }

                if (seconds < 0 || seconds >= MaxEpochSeconds + 1)
                {
                    error = $"CWT claims: {name} is {(seconds < 0 ? "before 1970" : "after the year 9999")}";
                    return false;
                }

                // Below 2^63 ticks by the range check; the clamp only guards the rounding of the very last tick of 9999.
                var ticks = Math.Min((long)(seconds * TimeSpan.TicksPerSecond), DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
                instant = DateTimeOffset.UnixEpoch.AddTicks(ticks);
                error = null;
                return true;
            }

            default:
                error = $"CWT claims: {name} is not a number ({CoseSign1.Describe(reader.PeekState())})";
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
        while (CborMap.NextTextKey(reader, out var key))
        {
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
