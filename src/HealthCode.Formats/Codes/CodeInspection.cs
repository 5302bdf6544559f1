using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HealthCode.Formats;

/// <summary>
/// A code decoded layer by layer (specs/cli.md, <c>kiosk inspect --json</c>). A layer that was not reached is null.
/// Holds no personal data: the claim itself (name, id, color) is not part of it.
/// </summary>
public sealed class CodeInspection
{
    /// <summary>Names of the layers of health-code.md, by number.</summary>
    public static readonly IReadOnlyList<string> LayerNames = ["", "prefix", "Base45", "zlib", "COSE_Sign1", "CWT claims", "health-code claim"];

    /// <summary><c>HCN1</c>, <c>HC1</c> or null (not a code).</summary>
    public string? Prefix { get; internal set; }

    public bool? Base45 { get; internal set; }

    /// <summary>True when the bytes were a zlib stream and inflated; false when they were not compressed or inflating failed.</summary>
    public bool? Zlib { get; internal set; }

    public bool? Cose { get; internal set; }

    public byte[]? Kid { get; internal set; }

    public long? Alg { get; internal set; }

    public SignatureStatus? Signature { get; internal set; }

    public string? Iss { get; internal set; }

    public DateTimeOffset? Iat { get; internal set; }

    public DateTimeOffset? Exp { get; internal set; }

    /// <summary>now &gt; exp + skew.</summary>
    public bool? Expired { get; internal set; }

    /// <summary>iat &gt; now + skew (not in the JSON of cli.md; the verdict says it).</summary>
    public bool? NotYetValid { get; internal set; }

    /// <summary>Whether claim -1001 carries the holder's card (<c>d</c>, identity.md); null when the claim was not decoded. Never the value.</summary>
    public bool? DocRef { get; internal set; }

    public CodeVerdict Verdict { get; internal set; }

    /// <summary>Why the code stops (technical; never personal data).</summary>
    public string? Error { get; internal set; }

    /// <summary>The layer where it stopped (1-6), or null when every layer passed.</summary>
    public int? StoppedAtLayer { get; internal set; }

    /// <summary>The verified claim; kept internal so that inspection output can never carry it.</summary>
    internal HealthCodeClaim? Claim { get; set; }

    /// <summary>The wire name of a verdict.</summary>
    public static string VerdictName(CodeVerdict verdict) => verdict switch
    {
        CodeVerdict.Valid => "valid",
        CodeVerdict.NotACode => "not_a_code",
        CodeVerdict.Malformed => "malformed",
        CodeVerdict.Untrusted => "untrusted",
        CodeVerdict.Expired => "expired",
        CodeVerdict.NotYetValid => "not_yet_valid",
        _ => verdict.ToString(),
    };

    /// <summary>The wire name of a signature status.</summary>
    public static string SignatureName(SignatureStatus status) => status switch
    {
        SignatureStatus.Valid => "valid",
        SignatureStatus.Invalid => "invalid",
        SignatureStatus.UnknownKid => "unknown_kid",
        _ => "not_checked",
    };

    /// <summary>Writes the JSON object of cli.md (all keys present; null for layers not reached).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteString(writer, "prefix", Prefix);
        WriteBool(writer, "base45", Base45);
        WriteBool(writer, "zlib", Zlib);
        WriteBool(writer, "cose", Cose);
        WriteString(writer, "kid", Kid is null ? null : Convert.ToBase64String(Kid));
        WriteString(writer, "alg", Alg is { } alg ? CoseAlgorithms.Name(alg) : null);
        WriteString(writer, "signature", Signature is { } s ? SignatureName(s) : null);
        WriteString(writer, "iss", Iss);
        WriteString(writer, "iat", Iat is { } iat ? Iso(iat) : null);
        WriteString(writer, "exp", Exp is { } exp ? Iso(exp) : null);
        WriteBool(writer, "expired", Expired);
        WriteBool(writer, "docRef", DocRef);
        writer.WriteString("verdict", VerdictName(Verdict));
        WriteString(writer, "error", Error);
        writer.WriteEndObject();
    }

    /// <summary>The JSON object as one line.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One line for a technician: where the code stops and why, or that it passed. No name, id or color.</summary>
    public string Describe()
    {
        var kid = Kid is null ? null : Convert.ToBase64String(Kid);
        if (StoppedAtLayer is { } layer)
        {
            var what = Verdict switch
            {
                CodeVerdict.Expired => "expired",
                CodeVerdict.NotYetValid => "not yet valid",
                CodeVerdict.NotACode when layer == 1 => "not a code",
                CodeVerdict.NotACode => "not a health code",
                CodeVerdict.Untrusted => "untrusted",
                _ => "malformed",
            };
            return $"{what}: stops at layer {layer} ({LayerNames[layer]}): {Error}{(DocRef is { } carries ? $" ({CardPhrase(carries)})" : "")}";
        }

        var sb = new StringBuilder();
        sb.Append(Verdict == CodeVerdict.Valid ? "valid" : VerdictName(Verdict).Replace('_', ' '));
        sb.Append(": ").Append(Prefix).Append(" code");
        if (Iss is not null)
        {
            sb.Append(" from ").Append(Iss);
        }

        if (kid is not null)
        {
            sb.Append(", kid ").Append(kid);
        }

        if (Alg is { } alg)
        {
            sb.Append(", ").Append(CoseAlgorithms.Name(alg));
        }

        if (Signature is { } signature)
        {
            sb.Append(", signature ").Append(SignatureName(signature).Replace('_', ' '));
        }

        if (Iat is { } iat && Exp is { } exp)
        {
            sb.Append(", issued ").Append(Iso(iat)).Append(", expires ").Append(Iso(exp));
        }

        if (DocRef is { } docRef)
        {
            sb.Append(", ").Append(CardPhrase(docRef));
        }

        if (Error is not null)
        {
            sb.Append(" (").Append(Error).Append(')');
        }

        return sb.ToString();
    }

    private static string CardPhrase(bool carries) => carries ? "carries the holder's card (d)" : "no card (d)";

    internal static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteBool(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } v)
        {
            writer.WriteBoolean(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
