using System.Formats.Cbor;

namespace HealthCode.Formats;

/// <summary>COSE algorithm identifiers the codes use (RFC 9053).</summary>
public static class CoseAlgorithms
{
    /// <summary>ECDSA with SHA-256.</summary>
    public const int ES256 = -7;

    /// <summary>RSASSA-PSS with SHA-256, MGF1-SHA-256, salt length 32.</summary>
    public const int PS256 = -37;

    /// <summary>"ES256", "PS256" or the number.</summary>
    public static string Name(long alg) => alg switch
    {
        ES256 => "ES256",
        PS256 => "PS256",
        _ => alg.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The parts of a COSE_Sign1 message (layer 4) as read from the wire, before any signature check.</summary>
internal sealed class CoseSign1
{
    private const int LabelAlg = 1;
    private const int LabelCrit = 2;
    private const int LabelKid = 4;

    public required ReadOnlyMemory<byte> ProtectedBytes { get; init; }

    public required long? Alg { get; init; }

    /// <summary>True when <see cref="Alg"/> came from the protected header (the rule of health-code.md).</summary>
    public required bool AlgProtected { get; init; }

    public required ReadOnlyMemory<byte>? Kid { get; init; }

    public required bool KidProtected { get; init; }

    public required ReadOnlyMemory<byte> Payload { get; init; }

    public required ReadOnlyMemory<byte> Signature { get; init; }

    /// <summary>The message sat inside a CWT tag (61).</summary>
    public required bool CwtTagged { get; init; }

    /// <summary>Reads one COSE_Sign1: optional tag 61, optional tag 18, then the four-element array. No trailing bytes.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> data, out CoseSign1? message, out string? error)
    {
        message = null;
        try
        {
            var reader = new CborReader(data, CborConformanceMode.Strict);
            var cwt = false;
            var sawSign1Tag = false;
            while (reader.PeekState() == CborReaderState.Tag)
            {
                var tag = reader.ReadTag();
                if (tag == (CborTag)61 && !cwt && !sawSign1Tag)
                {
                    cwt = true;
                }
                else if (tag == (CborTag)18 && !sawSign1Tag)
                {
                    sawSign1Tag = true;
                }
                else
                {
                    error = $"unexpected CBOR tag {(ulong)tag} (only 61 then 18 may wrap a COSE_Sign1)";
                    return false;
                }
            }

            if (reader.PeekState() != CborReaderState.StartArray)
            {
                error = $"not a COSE_Sign1: expected an array, found {Describe(reader.PeekState())}";
                return false;
            }

            if (reader.ReadStartArray() != 4)
            {
                error = "not a COSE_Sign1: the array must have exactly 4 elements";
                return false;
            }

            if (reader.PeekState() != CborReaderState.ByteString)
            {
                error = "protected header is not a byte string";
                return false;
            }

            var protectedBytes = reader.ReadByteString();
            long? alg = null;
            var algProtected = false;
            ReadOnlyMemory<byte>? kid = null;
            var kidProtected = false;
            if (protectedBytes.Length > 0)
            {
                var inner = new CborReader(protectedBytes, CborConformanceMode.Strict);
                if (!TryReadHeaderMap(inner, isProtected: true, ref alg, ref kid, out error))
                {
                    return false;
                }

                if (inner.BytesRemaining != 0)
                {
                    error = "trailing bytes after the protected header map";
                    return false;
                }

                algProtected = alg is not null;
                kidProtected = kid is not null;
            }

            long? unprotectedAlg = null;
            ReadOnlyMemory<byte>? unprotectedKid = null;
            if (!TryReadHeaderMap(reader, isProtected: false, ref unprotectedAlg, ref unprotectedKid, out error))
            {
                return false;
            }

            // The protected header wins (RFC 9052 forbids a label in both; the DCC corpus has such codes and expects this rule).
            alg ??= unprotectedAlg;
            kid ??= unprotectedKid;

            if (reader.PeekState() != CborReaderState.ByteString)
            {
                error = reader.PeekState() == CborReaderState.Null ? "detached payload (nil) is not allowed" : "payload is not a byte string";
                return false;
            }

            var payload = reader.ReadByteString();
            if (reader.PeekState() != CborReaderState.ByteString)
            {
                error = "signature is not a byte string";
                return false;
            }

            var signature = reader.ReadByteString();
            reader.ReadEndArray();
            if (reader.BytesRemaining != 0)
            {
                error = "trailing bytes after the COSE_Sign1";
                return false;
            }

            message = new CoseSign1
            {
                ProtectedBytes = protectedBytes,
                Alg = alg,
                AlgProtected = algProtected,
                Kid = kid,
                KidProtected = kidProtected,
                Payload = payload,
                Signature = signature,
                CwtTagged = cwt,
            };
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            error = $"bad CBOR ({ex.Message.TrimEnd('.')})";
            return false;
        }
    }

    private static bool TryReadHeaderMap(CborReader reader, bool isProtected, ref long? alg, ref ReadOnlyMemory<byte>? kid, out string? error)
    {
        var where = isProtected ? "protected" : "unprotected";
        if (reader.PeekState() != CborReaderState.StartMap)
        {
            error = $"{where} header is not a map";
            return false;
        }

        reader.ReadStartMap();
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            var state = reader.PeekState();
            if (state is CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger)
            {
                var label = reader.ReadInt64();
                switch (label)
                {
                    case LabelAlg:
                        if (reader.PeekState() is CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger)
                        {
                            alg = reader.ReadInt64();
                        }
                        else
                        {
                            error = $"alg in the {where} header is not an integer";
                            return false;
                        }

                        continue;
                    case LabelKid:
                        if (reader.PeekState() != CborReaderState.ByteString)
                        {
                            error = $"kid in the {where} header is not a byte string";
                            return false;
                        }

                        kid = reader.ReadByteString();
                        continue;
                    case LabelCrit when isProtected:
                        error = "critical header parameters are not supported";
                        return false;
                }
            }
            else if (state != CborReaderState.TextString)
            {
                error = $"{where} header has a label that is neither an integer nor text";
                return false;
            }
            else
            {
                reader.SkipValue();
            }

            reader.SkipValue();
        }

        reader.ReadEndMap();
        error = null;
        return true;
    }

    internal static string Describe(CborReaderState state) => state switch
    {
        CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger => "an integer",
        CborReaderState.ByteString or CborReaderState.StartIndefiniteLengthByteString => "a byte string",
        CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString => "a text string",
        CborReaderState.StartArray => "an array",
        CborReaderState.StartMap => "a map",
        CborReaderState.Tag => "a tag",
        CborReaderState.Finished => "nothing",
        _ => "a simple value",
    };
}
