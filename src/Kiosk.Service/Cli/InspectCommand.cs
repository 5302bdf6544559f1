using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using HealthCode.Formats;
using Kiosk.Colors.Codes;
using Kiosk.Core;
using Kiosk.Core.Inputs;
using Kiosk.Drivers.QrDecoding;

namespace Kiosk.Service.Cli;

/// <summary>
/// <c>kiosk inspect</c> (specs/cli.md): decodes one code layer by layer and says in one line where it stops and why;
/// <c>--json</c> prints the layered object; <c>--batch</c> does the same for many codes, one JSON line each.
/// Never prints the holder's name, id or color.
/// </summary>
internal static class InspectCommand
{
    private const int MaxCachedCertificates = 4096;

    public static Command Create()
    {
        var text = new Argument<string?>("TEXT") { Description = "The QR text (HCN1:... or HC1:...)", Arity = ArgumentArity.ZeroOrOne };
        var image = new Option<FileInfo?>("--image") { Description = "Read the code from an image file (PNG, JPEG, WebP)" };
        var trust = new Option<FileInfo?>("--trust") { Description = "JSON trust list to verify against; default HealthCode:TrustListFile" };
        var cert = new Option<string?>("--cert") { Description = "One X.509 DER certificate (base64) to verify against; the kid must be its SHA-256's first 8 bytes" };
        var at = new Option<string?>("--at") { Description = "Clock for the expiry check (ISO 8601); default now" };
        var json = new Option<bool>("--json") { Description = "Print the layered JSON object" };
        var batch = new Option<FileInfo?>("--batch") { Description = "JSON lines {\"text\", \"cert\"?, \"at\"?} in, one JSON line out per input line" };
        var command = new Command("inspect", "Decode one code layer by layer and say where it stops, and why") { text, image, trust, cert, at, json, batch };
        command.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var now = parse.GetValue(at) is { } atText ? ParseInstant(atText, "--at") : TimeProvider.System.GetUtcNow();
            var certificate = parse.GetValue(cert) is { } certText ? ParseCertificate(certText, "--cert") : null;
            var trustList = parse.GetValue(trust) is { } trustFile ? LoadTrust(trustFile)
                : certificate is null && ConfiguredTrustList(parse) is { } configured ? LoadTrust(new FileInfo(configured))
                : null;
            if (trustList is not null && certificate is not null)
            {
                throw new KioskInputException("give either --trust or --cert, not both");
            }

            if (parse.GetValue(batch) is { } batchFile)
            {
                if (parse.GetValue(text) is not null || parse.GetValue(image) is not null)
                {
                    throw new KioskInputException("--batch reads the codes from FILE: give no TEXT or --image with it");
                }

                return Task.FromResult(RunBatch(batchFile, trustList, certificate, now, output, parse.InvocationConfiguration.Error, cancellationToken));
            }

            var code = ReadCode(parse.GetValue(text), parse.GetValue(image));
            var context = Context(trustList, certificate, now);
            var inspection = HealthCodeInspector.Inspect(code, context);
            output.WriteLine(parse.GetValue(json) ? inspection.ToJson() : OneLine.Of(inspection.Describe()));
            return Task.FromResult(0);
        });
        return command;
    }

    private static string ReadCode(string? text, FileInfo? image)
    {
        if (text is not null && image is not null)
        {
            throw new KioskInputException("give either TEXT or --image, not both");
        }

        if (text is not null)
        {
            return text;
        }

        if (image is null)
        {
            throw new KioskInputException("give the code as TEXT, --image FILE or --batch FILE");
        }

        try
        {
            var bytes = BoundedFile.ReadAllBytes(image.FullName, InputLimits.ImageBytes);
            return new QrFrameDecoder().DecodeImage(bytes).Text ?? throw new KioskInputException($"no QR code found in '{image.Name}'");
        }
        catch (FileNotFoundException ex)
        {
            throw new KioskInputException($"cannot read image '{image.Name}': no such file", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"cannot read image '{image.Name}': {ex.Message}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new KioskInputException($"unreadable image '{image.Name}': {ex.Message}", ex);
        }
    }

    private static int RunBatch(FileInfo file, TrustList? trust, TrustedIssuer? certificate, DateTimeOffset now, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        BoundedLineReader reader;
        try
        {
            reader = new BoundedLineReader(new StreamReader(file.FullName), InputLimits.BatchLineChars, $"batch file '{file.Name}'");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"cannot read batch file '{file.Name}': {ex.Message}", ex);
        }

        var certificates = new Dictionary<string, TrustedIssuer>(StringComparer.Ordinal);
        var defaultContext = Context(trust, certificate, now);
        var lineNumber = 0;
        var badLines = 0;
        using (reader)
        {
            while (ReadBatchLine(reader) is { } line)
            {
                cancellationToken.ThrowIfCancellationRequested();
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                CodeInspection inspection;
                try
                {
                    var (code, context) = ParseLine(line, trust, certificate, now, defaultContext, certificates);
                    inspection = HealthCodeInspector.Inspect(code, context);
                }
                catch (KioskInputException ex)
                {
                    // Keep one output line per input line; say what was wrong with the input.
                    badLines++;
                    inspection = HealthCodeInspector.Inspect(null, defaultContext);
                    output.WriteLine(WithError(inspection, $"input line {lineNumber}: {ex.Message}"));
                    continue;
                }

                output.WriteLine(inspection.ToJson());
            }
        }

        if (badLines > 0)
        {
            error.WriteLine($"error: {badLines} of {lineNumber} input lines were not {{\"text\", \"cert\"?, \"at\"?}} objects (reported in their output lines)");
            return 2;
        }

        return 0;
    }

    private static string? ReadBatchLine(BoundedLineReader reader)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A line too long to hold (a file without newlines) or a read error: the lines before it stand.
            throw new KioskInputException(ex.Message, ex);
        }
    }

    private static (string? Code, InspectionContext Context) ParseLine(
        string line, TrustList? trust, TrustedIssuer? certificate, DateTimeOffset now, InspectionContext defaultContext, Dictionary<string, TrustedIssuer> certificates)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw new KioskInputException("not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                throw new KioskInputException("needs a \"text\" string");
            }

            var codeText = StringOf(textElement, "text");

            var lineNow = now;
            if (root.TryGetProperty("at", out var atElement) && atElement.ValueKind != JsonValueKind.Null)
            {
                lineNow = atElement.ValueKind == JsonValueKind.String ? ParseInstant(StringOf(atElement, "at"), "\"at\"") : throw new KioskInputException("\"at\" is not a string");
            }

            var lineCertificate = certificate;
            if (root.TryGetProperty("cert", out var certElement) && certElement.ValueKind != JsonValueKind.Null)
            {
                var certText = certElement.ValueKind == JsonValueKind.String ? StringOf(certElement, "cert") : throw new KioskInputException("\"cert\" is not a string");
                if (!certificates.TryGetValue(certText, out lineCertificate))
                {
                    lineCertificate = ParseCertificate(certText, "\"cert\"");
                    if (certificates.Count >= MaxCachedCertificates)
                    {
                        certificates.Clear();
                    }

                    certificates[certText] = lineCertificate;
                }
            }

            var context = ReferenceEquals(lineCertificate, certificate) && lineNow == now
                ? defaultContext
                : Context(ReferenceEquals(lineCertificate, certificate) ? trust : null, lineCertificate, lineNow);
            return (codeText, context);
        }
    }

    /// <summary>A JSON string as .NET text; a lone surrogate escape (<c>"\ud800"</c>) is bad input of this line, not a crash.</summary>
    private static string StringOf(JsonElement element, string name)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new KioskInputException($"\"{name}\" is not valid Unicode (a lone surrogate)");
        }
    }

    private static InspectionContext Context(TrustList? trust, TrustedIssuer? certificate, DateTimeOffset now) =>
        certificate is not null ? InspectionContext.ForCertificate(certificate, now)
        : trust is not null ? InspectionContext.ForTrustList(trust, now)
        : InspectionContext.WithoutKeys(now);

    private static string WithError(CodeInspection inspection, string message)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(inspection.ToJson())!;
        node["error"] = message;
        return node.ToJsonString();
    }

    private static DateTimeOffset ParseInstant(string text, string what) =>
        IsoInstant.TryParse(text, out var instant)
            ? instant
            : throw new KioskInputException($"{what} is not an ISO 8601 time: '{OneLine.Of(text.Length > 40 ? text[..40] : text)}'");

    /// <summary>The provisioning trust list of the configuration (<c>HealthCode:TrustListFile</c>), if one is set.</summary>
    private static string? ConfiguredTrustList(ParseResult parse) =>
        KioskCli.Configuration(parse)[$"{HealthCodeOptions.Section}:{nameof(HealthCodeOptions.TrustListFile)}"] is { Length: > 0 } file ? file : null;

    private static TrustList LoadTrust(FileInfo file)
    {
        try
        {
            return FileTrustListSource.Load(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
        {
            throw new KioskInputException($"trust list '{file.Name}': {ex.Message}", ex);
        }
    }

    private static TrustedIssuer ParseCertificate(string base64, string what)
    {
        try
        {
            // Only the certificate is input: a key that never verifies (cli.md) is the verdict of the codes checked against it.
            return TrustedIssuer.FromCertificate(Convert.FromBase64String(base64), region: string.Empty);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new KioskInputException($"{what} is not a base64 X.509 certificate ({OneLine.Of(ex.Message).TrimEnd('.')})", ex);
        }
    }
}
