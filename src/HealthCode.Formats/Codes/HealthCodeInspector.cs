namespace HealthCode.Formats;

/// <summary>
/// Decodes and verifies a code layer by layer (health-code.md): prefix, Base45, zlib, COSE_Sign1, CWT claims, claim -1001.
/// Never throws on any input text. One implementation serves both <c>kiosk inspect</c> and the kiosk's verifier.
/// </summary>
public static class HealthCodeInspector
{
    /// <summary>The prefix of a health code.</summary>
    public const string HealthCodePrefix = "HCN1:";

    /// <summary>The prefix of an EU DCC: decoded, never a health code.</summary>
    public const string DccPrefix = "HC1:";

    /// <summary>Longest text after the prefix we decode. A QR symbol holds at most 4296 alphanumeric characters.</summary>
    public const int MaxBase45Length = 16 * 1024;

    /// <summary>Decodes every layer it can reach and says where the code stops. Never throws.</summary>
    public static CodeInspection Inspect(string? text, InspectionContext context) => Run(text, context, detailed: true);

    internal static CodeInspection Run(string? text, InspectionContext context, bool detailed)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = new CodeInspection();
        try
        {
            Decode(text ?? string.Empty, context, detailed, result);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Belt and braces: every layer reports its own failures; anything else is still a malformed code, never a crash.
            Stop(result, result.StoppedAtLayer ?? 4, CodeVerdict.Malformed, $"unexpected decoder failure ({ex.GetType().Name})");
        }

        return result;
    }

    private static void Decode(string text, InspectionContext context, bool detailed, CodeInspection result)
    {
        // Layer 1: prefix.
        bool healthCode;
        ReadOnlySpan<char> body;
        if (text.StartsWith(HealthCodePrefix, StringComparison.Ordinal))
        {
            healthCode = true;
            result.Prefix = "HCN1";
            body = text.AsSpan(HealthCodePrefix.Length);
        }
        else if (text.StartsWith(DccPrefix, StringComparison.Ordinal))
        {
            healthCode = false;
            result.Prefix = "HC1";
            body = text.AsSpan(DccPrefix.Length);
        }
        else
        {
            Stop(result, 1, CodeVerdict.NotACode, text.Length == 0 ? "empty text" : "no HCN1: or HC1: prefix");
            return;
        }

        // Layer 2: Base45.
        if (body.Length > MaxBase45Length)
        {
            result.Base45 = false;
            Stop(result, 2, CodeVerdict.Malformed, $"{body.Length} characters after the prefix, more than the {MaxBase45Length} accepted");
            return;
        }

        if (!Formats.Base45.TryDecode(body, out var decoded, out var base45Error))
        {
            result.Base45 = false;
            Stop(result, 2, CodeVerdict.Malformed, base45Error!);
            return;
        }

        result.Base45 = true;

        // Layer 3: zlib when the first byte says so, else the bytes as they are.
        byte[] cose;
        if (Formats.Zlib.LooksCompressed(decoded))
        {
            if (!Formats.Zlib.TryInflate(decoded, Formats.Zlib.DefaultMaxOutput, out cose, out var zlibError))
            {
                result.Zlib = false;
                Stop(result, 3, CodeVerdict.Malformed, zlibError!);
                return;
            }

            result.Zlib = true;
        }
        else
        {
            result.Zlib = false;
            cose = decoded;
        }

        // Layer 4: COSE_Sign1 structure.
        if (!CoseSign1.TryRead(cose, out var message, out var coseError))
        {
            result.Cose = false;
            Stop(result, 4, CodeVerdict.Malformed, result.Zlib == false && decoded.Length > 0 ? $"{coseError} (the bytes were not compressed: first byte 0x{decoded[0]:X2})" : coseError!);
            return;
        }

        result.Alg = message!.Alg;
        result.Kid = message.Kid?.ToArray();
        var structureError = StructureError(message, healthCode);
        if (structureError is not null)
        {
            result.Cose = false;
            Stop(result, 4, CodeVerdict.Malformed, structureError);
            return;
        }

        result.Cose = true;

        // Layers 5-6: claims. A decode failure outranks a trust failure, so read them before the signature.
        var claimsOk = CwtClaims.TryRead(message.Payload, healthCode, out var claims, out var claimsError, out var claimsLayer);
        var timeError = claimsOk ? ApplyTimes(result, claims!, context) : null;
        if (!claimsOk)
        {
            if (detailed)
            {
                CheckSignature(result, message, context, null, null);
            }

            Stop(result, claimsLayer, CodeVerdict.Malformed, claimsError!);
            return;
        }

        if (claims!.HealthCode is { } claim)
        {
            result.DocRef = claim.Document is not null;
        }

        // Trust: kid, signature, region, key validity at iat.
        var trustError = CheckSignature(result, message, context, claims.Issuer, claims.IssuedAt);
        if (!healthCode)
        {
            // Every layer reported; an HC1 code is an EU DCC, never a health code.
            result.Verdict = CodeVerdict.NotACode;
            result.Error = trustError is null ? "an EU DCC (HC1:), not a health code" : $"an EU DCC (HC1:), not a health code; {trustError}";
            return;
        }

        if (trustError is not null)
        {
            Stop(result, 4, CodeVerdict.Untrusted, trustError);
            return;
        }

        result.Claim = claims.HealthCode;
        if (result.Expired == true)
        {
            Stop(result, 5, CodeVerdict.Expired, timeError!);
            return;
        }

        if (result.NotYetValid == true)
        {
            Stop(result, 5, CodeVerdict.NotYetValid, timeError!);
            return;
        }

        result.Verdict = CodeVerdict.Valid;
    }

    // Layer 4 rules beyond well-formed CBOR. An HC1 code follows the DCC corpus (alg may sit in the unprotected
    // header, kid of any length); an HCN1 code follows health-code.md to the letter.
    private static string? StructureError(CoseSign1 message, bool healthCode)
    {
        if (message.Alg is not { } alg)
        {
            return "no alg (label 1) in the headers";
        }

        if (healthCode && !message.AlgProtected)
        {
            return "alg (label 1) must be in the protected header";
        }

        if (alg is not (CoseAlgorithms.ES256 or CoseAlgorithms.PS256))
        {
            return $"unsupported alg {alg} (ES256 or PS256 only)";
        }

        if (message.Kid is not { } kid)
        {
            return "no kid (label 4) in the headers";
        }

        if (healthCode && kid.Length != 8)
        {
            return $"kid is {kid.Length} bytes, not 8";
        }

        return null;
    }

    private static string? ApplyTimes(CodeInspection result, CwtClaims claims, InspectionContext context)
    {
        result.Iss = claims.Issuer;
        var iat = claims.IssuedAt;
        var exp = claims.ExpiresAt;
        result.Iat = iat;
        result.Exp = exp;
        // Saturating: exp or now at the end of year 9999 plus the skew is still "the end of time", not an overflow.
        result.Expired = context.Now > Later(exp, context.Skew);
        result.NotYetValid = iat > Later(context.Now, context.Skew);
        if (result.Expired == true)
        {
            return $"expired at {CodeInspection.Iso(exp)} (now {CodeInspection.Iso(context.Now)}, skew {context.Skew.TotalSeconds:0} s)";
        }

        if (result.NotYetValid == true)
        {
            return $"issued at {CodeInspection.Iso(iat)}, after now {CodeInspection.Iso(context.Now)} (skew {context.Skew.TotalSeconds:0} s)";
        }

        return null;
    }

    // Sets result.Signature and returns why the code is not trusted, or null when it is.
    private static string? CheckSignature(CodeInspection result, CoseSign1 message, InspectionContext context, string? iss, DateTimeOffset? iat)
    {
        var kid = message.Kid!.Value.Span;
        if (context.Trust is not { } trust)
        {
            result.Signature = SignatureStatus.NotChecked;
            return "signature not checked: no trust list or certificate given";
        }

        var candidates = trust.Find(kid);
        if (candidates.Length == 0)
        {
            result.Signature = SignatureStatus.UnknownKid;
            var kidText = Convert.ToBase64String(kid);
            return context.SingleCertificate
                ? $"kid {kidText} is not the certificate's ({Convert.ToBase64String(trust.Issuers[0].Kid)})"
                : $"kid {kidText} is not in the trust list";
        }

        string? firstRefusal = null;
        string? keyRefusal = null;
        var anyValid = false;
        foreach (var issuer in candidates)
        {
            System.Security.Cryptography.AsymmetricAlgorithm key;
            try
            {
                key = issuer.PublicKey;
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                // A key that never verifies (health-code.md, "Keys"): the code's verdict, not the caller's bad input.
                keyRefusal ??= ex.Message.TrimEnd('.');
                continue;
            }

            if (!CoseSignature.Verify(message.Alg!.Value, key, message.ProtectedBytes.Span, message.Payload.Span, message.Signature.Span))
            {
                continue;
            }

            anyValid = true;
            if (iss is null || iat is null)
            {
                continue;
            }

            if (!context.SingleCertificate && !string.Equals(issuer.Region, iss, StringComparison.Ordinal))
            {
                firstRefusal ??= $"key {Convert.ToBase64String(kid)} signs for region {issuer.Region}, the code says iss {Printable(iss)}";
                continue;
            }

            if (!issuer.IsValidAt(iat.Value))
            {
                firstRefusal ??= $"iat {CodeInspection.Iso(iat.Value)} is outside the validity of key {Convert.ToBase64String(kid)} ({CodeInspection.Iso(issuer.NotBefore)} to {CodeInspection.Iso(issuer.NotAfter)})";
                continue;
            }

            result.Signature = SignatureStatus.Valid;
            return null;
        }

        result.Signature = anyValid ? SignatureStatus.Valid : SignatureStatus.Invalid;
        return anyValid ? firstRefusal ?? "claims unreadable"
            : keyRefusal is not null ? $"signature invalid for kid {Convert.ToBase64String(kid)} ({CoseAlgorithms.Name(message.Alg!.Value)}): the {(context.SingleCertificate ? "certificate's" : "issuer's")} key never verifies: {keyRefusal}"
            : $"signature invalid for kid {Convert.ToBase64String(kid)} ({CoseAlgorithms.Name(message.Alg!.Value)})";
    }

    private static void Stop(CodeInspection result, int layer, CodeVerdict verdict, string error)
    {
        result.StoppedAtLayer = layer;
        result.Verdict = verdict;
        result.Error = error;
    }

    /// <summary><paramref name="instant"/> + <paramref name="span"/>, held at the ends of <see cref="DateTimeOffset"/>'s range.</summary>
    private static DateTimeOffset Later(DateTimeOffset instant, TimeSpan span) =>
        instant > DateTimeOffset.MaxValue - span ? DateTimeOffset.MaxValue : instant + span;

    private static string Printable(string text)
    {
        var clipped = text.Length > 40 ? text[..40] + "…" : text;
        return string.Create(clipped.Length, clipped, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
