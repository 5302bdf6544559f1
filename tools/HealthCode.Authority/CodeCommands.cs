using System.CommandLine;
using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Drivers.QrDecoding;

namespace HealthCode.Authority;

/// <summary><c>code issue</c>: an HCN1 code as text, and as a QR PNG with <c>--png</c>.</summary>
public static class CodeCommands
{
    public static Command Create()
    {
        var key = new Option<FileInfo>("--key") { Description = "Issuer private key (PKCS#8 PEM)", Required = true };
        var iss = new Option<string>("--iss") { Description = "Region of the issuer, e.g. CN-HL", Required = true };
        var id = new Option<string?>("--id") { Description = "Code id: 32 hex digits (default: random)" };
        var color = new Option<string>("--color") { Description = "green, yellow or red", DefaultValueFactory = _ => "green" };
        var colorTime = new Option<string?>("--color-time") { Description = "When the color took effect (ISO 8601; default: --iat)" };
        var name = new Option<string>("--masked-name") { Description = "Holder name, already masked (e.g. 王*明)", DefaultValueFactory = _ => "王*明" };
        var proxy = new Option<bool>("--proxy") { Description = "Registered on the holder's behalf (代申领)" };
        var iat = new Option<string?>("--iat") { Description = "Issued at (ISO 8601; default now)" };
        var validFor = new Option<int>("--valid-for") { Description = "Seconds from iat to exp", DefaultValueFactory = _ => 300 };
        var card = new Option<string?>("--card") { Description = "The holder's ID card number: the code carries its docRef (claim d); needs --doc-key" };
        var docKey = CardCommands.DocKeyOption();
        var docRef = new Option<string?>("--doc-ref") { Description = "Claim d given directly: 32 hex digits" };
        var png = new Option<FileInfo?>("--png") { Description = "Also write the QR code as a PNG" };
        var scale = new Option<int>("--scale") { Description = "PNG pixels per QR module", DefaultValueFactory = _ => 6 };
        var issue = new Command("issue", "Issue an HCN1 code (prints the QR text)") { key, iss, id, color, colorTime, name, proxy, card, docKey, docRef, iat, validFor, png, scale };
        issue.SetAction(parse =>
        {
            using var signingKey = KeyCommands.LoadPrivate(parse.GetValue(key)!);
            var issuedAt = parse.GetValue(iat) is { } iatText ? AuthorityCli.ParseInstant(iatText, "--iat") : TimeProvider.System.GetUtcNow();
            var seconds = parse.GetValue(validFor);
            if (seconds <= 0)
            {
                throw new AuthorityInputException("--valid-for must be a positive number of seconds");
            }

            var claim = new HealthCodeClaim(
                ParseId(parse.GetValue(id)),
                ParseColor(parse.GetValue(color)!),
                (parse.GetValue(colorTime) is { } ct ? AuthorityCli.ParseInstant(ct, "--color-time") : issuedAt).ToUnixTimeSeconds(),
                parse.GetValue(name)!,
                parse.GetValue(proxy),
                ParseDocument(parse.GetValue(card), parse.GetValue(docKey), parse.GetValue(docRef)));
            var text = new HealthCodeIssuer(signingKey).Issue(parse.GetValue(iss)!, issuedAt, issuedAt.AddSeconds(seconds), claim);
            if (parse.GetValue(png) is { } pngFile)
            {
                var pixels = parse.GetValue(scale);
                if (pixels is < 1 or > 64)
                {
                    throw new AuthorityInputException("--scale must be 1..64");
                }

                AuthorityCli.WriteFile(pngFile.FullName, QrPng.Render(text, pixels));
            }

            parse.InvocationConfiguration.Output.WriteLine(text);
            return 0;
        });
        return new Command("code", "Health codes") { issue };
    }

    private static CodeId ParseId(string? hex)
    {
        if (hex is null)
        {
            return CodeId.FromBytes(RandomNumberGenerator.GetBytes(CodeId.Length));
        }

        try
        {
            var bytes = Convert.FromHexString(hex);
            return bytes.Length == CodeId.Length ? CodeId.FromBytes(bytes) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new AuthorityInputException("--id must be 32 hex digits (16 bytes)");
        }
    }

    private static HealthColor ParseColor(string color) =>
        AuthorityCli.TryParseColor(color, out var parsed) ? parsed : throw new AuthorityInputException($"--color must be green, yellow or red, not '{color}'");

    /// <summary>Claim <c>d</c>: from <c>--card</c> hashed with <c>--doc-key</c>, or a given <c>--doc-ref</c>; none when neither is given.</summary>
    private static DocRef? ParseDocument(string? card, FileInfo? docKey, string? docRef)
    {
        if (docRef is not null)
        {
            if (card is not null)
            {
                throw new AuthorityInputException("give either --card or --doc-ref, not both");
            }

            try
            {
                var bytes = Convert.FromHexString(docRef);
                return bytes.Length == DocRef.Length ? DocRef.FromBytes(bytes) : throw new FormatException();
            }
            catch (FormatException)
            {
                throw new AuthorityInputException("--doc-ref must be 32 hex digits (16 bytes)");
            }
        }

        if (card is null)
        {
            return docKey is null ? null : throw new AuthorityInputException("--doc-key is for --card: give the holder's card number too");
        }

        return docKey is null
            ? throw new AuthorityInputException("--card needs --doc-key FILE (the docKey that hashes card numbers)")
            : CardCommands.DocRefOf(card, CardCommands.LoadDocKey(docKey), "--card");
    }
}
