using System.Text.Json;
using Kiosk.Colors.Codes;
using Kiosk.Core;
using Kiosk.Core.Identity;
using Kiosk.Core.Inputs;

namespace Kiosk.Simulation;

/// <summary>A parsed, validated scenario file with its referenced files loaded.</summary>
/// <param name="IdentityMode">The site's identity mode (<c>identityMode</c>, default <c>none</c>): sets <c>Identity:Mode</c>.</param>
public sealed record Scenario(
    DateTimeOffset Start,
    string Feed,
    byte[] AuthorityKey,
    string? TrustListFile,
    IReadOnlyList<ScenarioFeedMessage> FeedMessages,
    IReadOnlyList<ScenarioVisitor> Visitors,
    string BaseDirectory,
    IdentityMode IdentityMode = IdentityMode.None)
{
    /// <summary>Reads a scenario; every problem is a <see cref="KioskInputException"/> with one line saying what and where.</summary>
    public static Scenario Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new KioskInputException($"scenario file not found: {path}");
        }

        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        byte[] bytes;
        try
        {
            bytes = BoundedFile.ReadAllBytes(path, InputLimits.ScenarioBytes);
        }
        catch (InputTooLargeException)
        {
            throw new KioskInputException($"scenario {path} is larger than {BoundedFile.Describe(InputLimits.ScenarioBytes)}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"scenario {path} cannot be read: {ex.Message}");
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new KioskInputException($"scenario {path} is not UTF-8 text");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw new KioskInputException($"scenario {path} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            try
            {
                return Parse(document.RootElement, baseDirectory, path);
            }
            catch (InvalidOperationException ex)
            {
                // A string with a lone surrogate escape ("\ud800") cannot become .NET text.
                throw new KioskInputException($"scenario {path}: a string is not valid Unicode ({ex.Message})");
            }
        }
    }

    /// <summary>The latest <c>atSeconds</c>: 49 days, below the longest timer .NET can set (2^32 - 2 ms, 49.7 days).</summary>
    public const double MaxAtSeconds = 49 * 86400;

    /// <summary>The range of <c>start</c>: codes and feed messages carry Unix times, and a scenario must end before year 10000.</summary>
    public static readonly DateTimeOffset EarliestStart = DateTimeOffset.UnixEpoch;

    /// <inheritdoc cref="EarliestStart"/>
    public static readonly DateTimeOffset LatestStart = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Scenario Parse(JsonElement root, string baseDirectory, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new KioskInputException($"scenario {path}: the top level must be an object");
        }

        var startText = RequiredString(root, "start", path);
        if (!IsoInstant.TryParse(startText, out var start))
        {
            throw new KioskInputException($"scenario {path}: \"start\" is not an ISO 8601 time: {startText}");
        }

        if (start < EarliestStart || start > LatestStart)
        {
            throw new KioskInputException($"scenario {path}: \"start\" must be between {IsoInstant.Format(EarliestStart)} and {IsoInstant.Format(LatestStart)}");
        }

        var feed = RequiredString(root, "feed", path);
        var identityMode = IdentityMode.None;
        if (root.TryGetProperty("identityMode", out var mode) && mode.ValueKind != JsonValueKind.Null)
        {
            identityMode = mode.ValueKind == JsonValueKind.String && mode.GetString() is { } modeName && ParseIdentityMode(modeName) is { } parsed
                ? parsed
                : throw new KioskInputException($"scenario {path}: \"identityMode\" must be \"none\" or \"document\"");
        }

        byte[] authorityKey;
        try
        {
            authorityKey = Convert.FromBase64String(RequiredString(root, "authorityKey", path));
        }
        catch (FormatException)
        {
            throw new KioskInputException($"scenario {path}: \"authorityKey\" is not base64");
        }

        string? trustListFile = null;
        if (root.TryGetProperty("trustList", out var trust) && trust.ValueKind != JsonValueKind.Null)
        {
            if (trust.ValueKind != JsonValueKind.String)
            {
                throw new KioskInputException($"scenario {path}: \"trustList\" must be a file name");
            }

            trustListFile = Path.GetFullPath(Path.Combine(baseDirectory, trust.GetString()!));
            try
            {
                _ = FileTrustListSource.Load(trustListFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
            {
                throw new KioskInputException($"scenario {path}: trustList {trust.GetString()}: {ex.Message}");
            }
        }

        var messages = new List<ScenarioFeedMessage>();
        if (root.TryGetProperty("feedMessages", out var feedMessages) && feedMessages.ValueKind != JsonValueKind.Null)
        {
            if (feedMessages.ValueKind != JsonValueKind.Array)
            {
                throw new KioskInputException($"scenario {path}: \"feedMessages\" must be an array");
            }

            var index = 0;
            foreach (var item in feedMessages.EnumerateArray())
            {
                var where = $"feedMessages[{index++}]";
                switch (item.ValueKind)
                {
                    case JsonValueKind.String:
                        messages.Add(ReadFeedMessage(baseDirectory, item.GetString()!, where, path, null));
                        break;
                    case JsonValueKind.Object:
                        var file = RequiredString(item, "file", $"{path} {where}");
                        double? at = item.TryGetProperty("atSeconds", out var atValue) && atValue.ValueKind != JsonValueKind.Null
                            ? NonNegativeNumber(atValue, $"{where}.atSeconds", path)
                            : null;
                        messages.Add(ReadFeedMessage(baseDirectory, file, where, path, at));
                        break;
                    default:
                        throw new KioskInputException($"scenario {path}: {where} must be a file name or {{\"file\", \"atSeconds\"}}");
                }
            }
        }

        if (!root.TryGetProperty("visitors", out var visitorsElement) || visitorsElement.ValueKind != JsonValueKind.Array)
        {
            throw new KioskInputException($"scenario {path}: \"visitors\" must be an array");
        }

        var visitors = new List<ScenarioVisitor>();
        var n = 0;
        foreach (var v in visitorsElement.EnumerateArray())
        {
            var where = $"visitors[{n++}]";
            if (v.ValueKind != JsonValueKind.Object)
            {
                throw new KioskInputException($"scenario {path}: {where} must be an object");
            }

            var atSeconds = v.TryGetProperty("atSeconds", out var a) && a.ValueKind != JsonValueKind.Null ? NonNegativeNumber(a, $"{where}.atSeconds", path) : 0;
            string? qr = null;
            if (v.TryGetProperty("qr", out var q) && q.ValueKind != JsonValueKind.Null)
            {
                qr = q.ValueKind == JsonValueKind.String ? q.GetString() : throw new KioskInputException($"scenario {path}: {where}.qr must be text or null");
                if (qr!.Length > InputLimits.QrTextChars || !Kiosk.Drivers.Camera.SimulatedSceneRenderer.CanShow(qr))
                {
                    throw new KioskInputException($"scenario {path}: {where}.qr ({qr.Length} characters) does not fit in a QR code (at most {InputLimits.QrTextChars})");
                }
            }

            byte[]? image = null;
            string? imageFile = null;
            if (v.TryGetProperty("qrImage", out var img) && img.ValueKind != JsonValueKind.Null)
            {
                imageFile = img.ValueKind == JsonValueKind.String ? img.GetString()! : throw new KioskInputException($"scenario {path}: {where}.qrImage must be a file name");
                image = ReadReferenced(baseDirectory, imageFile, $"{where}.qrImage", path, InputLimits.ImageBytes);
                try
                {
                    // Decoded once here, so a bad image stops the scenario before it starts, not at its visitor.
                    using var decoded = Kiosk.Drivers.QrDecoding.LumaImage.DecodeBitmap(image);
                }
                catch (InvalidDataException ex)
                {
                    throw new KioskInputException($"scenario {path}: {where}.qrImage {imageFile}: {ex.Message}");
                }
            }

            if (qr is not null && image is not null)
            {
                throw new KioskInputException($"scenario {path}: {where} has both qr and qrImage");
            }

            double? temperature = null;
            if (v.TryGetProperty("bodyTemperatureC", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (t.ValueKind != JsonValueKind.Number || !t.TryGetDouble(out var tc) || tc is < 20 or > 50)
                {
                    throw new KioskInputException($"scenario {path}: {where}.bodyTemperatureC must be a number between 20 and 50 or null");
                }

                temperature = tc;
            }

            var assist = false;
            if (v.TryGetProperty("assist", out var assistElement) && assistElement.ValueKind != JsonValueKind.Null)
            {
                assist = assistElement.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new KioskInputException($"scenario {path}: {where}.assist must be true or false"),
                };
            }

            var noise = v.TryGetProperty("sensorNoiseC", out var noiseElement) && noiseElement.ValueKind != JsonValueKind.Null
                ? NonNegativeNumber(noiseElement, $"{where}.sensorNoiseC", path, max: 10)
                : 0;
            ScenarioCard? card = null;
            if (v.TryGetProperty("card", out var cardElement) && cardElement.ValueKind != JsonValueKind.Null)
            {
                card = ParseCard(cardElement, $"{where}.card", path);
            }

            visitors.Add(new ScenarioVisitor(atSeconds, qr, image, imageFile, temperature, assist, noise, card));
        }

        return new Scenario(start.ToUniversalTime(), feed, authorityKey, trustListFile, messages, visitors, baseDirectory, identityMode);
    }

    private static IdentityMode? ParseIdentityMode(string name) => name.Trim().ToLowerInvariant() switch
    {
        "none" => IdentityMode.None,
        "document" => IdentityMode.Document,
        _ => null,
    };

    /// <summary>A visitor's card. Messages name the field and its rule, never its value (a card's fields are personal data).</summary>
    private static ScenarioCard ParseCard(JsonElement card, string where, string path)
    {
        if (card.ValueKind != JsonValueKind.Object)
        {
            throw new KioskInputException($"scenario {path}: {where} must be an object");
        }

        string Field(string name, int maxLength)
        {
            if (!card.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length > maxLength)
            {
                throw new KioskInputException($"scenario {path}: {where}.{name} is required (text of at most {maxLength} characters)");
            }

            return value.GetString()!;
        }

        var number = Field("number", 18);
        var name = Field("name", 15);
        var birth = Field("birth", 8);
        var validFrom = Field("validFrom", 8);
        var validTo = Field("validTo", 8);
        var at = card.TryGetProperty("atSeconds", out var atValue) && atValue.ValueKind != JsonValueKind.Null
            ? NonNegativeNumber(atValue, $"{where}.atSeconds", path)
            : 0;

        var fault = ScenarioCardFault.None;
        if (card.TryGetProperty("fault", out var faultValue) && faultValue.ValueKind != JsonValueKind.Null)
        {
            fault = faultValue.ValueKind == JsonValueKind.String && string.Equals(faultValue.GetString(), "unreadable", StringComparison.OrdinalIgnoreCase)
                ? ScenarioCardFault.Unreadable
                : throw new KioskInputException($"scenario {path}: {where}.fault must be null or \"unreadable\"");
        }

        var flag = ' ';
        if (card.TryGetProperty("flag", out var flagValue) && flagValue.ValueKind != JsonValueKind.Null)
        {
            flag = flagValue.ValueKind == JsonValueKind.String && flagValue.GetString() is { Length: 1 } one && !char.IsSurrogate(one[0])
                ? one[0]
                : throw new KioskInputException($"scenario {path}: {where}.flag must be one character (a space for a resident ID card; I, J or Y)");
        }

        return new ScenarioCard(number, name, birth, validFrom, validTo, at, fault, flag);
    }

    private static string RequiredString(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new KioskInputException($"scenario {where}: \"{name}\" is required (text)");
        }

        return value.GetString()!;
    }

    private static double NonNegativeNumber(JsonElement value, string name, string path, double max = MaxAtSeconds)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < 0 || double.IsNaN(number) || number > max)
        {
            throw new KioskInputException($"scenario {path}: {name} must be a non-negative number, at most {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return number;
    }

    /// <summary>A feed message file, or a manifest folder (<c>manifest.cose</c> and <c>part-0.cbor</c>, <c>part-1.cbor</c>, ...
    /// up to the first missing index; at most <see cref="MaxManifestParts"/>).</summary>
    private static ScenarioFeedMessage ReadFeedMessage(string baseDirectory, string file, string what, string path, double? at)
    {
        var full = Path.GetFullPath(Path.Combine(baseDirectory, file));
        if (!Directory.Exists(full))
        {
            return new ScenarioFeedMessage(file, ReadReferenced(baseDirectory, file, what, path, InputLimits.FeedMessageBytes), at);
        }

        var manifest = ReadReferenced(full, "manifest.cose", $"{what} (manifest folder)", path, InputLimits.FeedMessageBytes);
        var parts = new List<byte[]>();
        while (File.Exists(Path.Combine(full, $"part-{parts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}.cbor")))
        {
            if (parts.Count == MaxManifestParts)
            {
                throw new KioskInputException($"scenario {path}: {what} holds more than {MaxManifestParts} parts");
            }

            parts.Add(ReadReferenced(full, $"part-{parts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}.cbor", what, path, HealthCode.Formats.Feed.FeedPart.MaxBytes));
        }

        return new ScenarioFeedMessage(file, manifest, at, parts);
    }

    /// <summary>Most parts of a manifest folder in a scenario (it is held in memory: a site's data, not a province's).</summary>
    private const int MaxManifestParts = 4096;

    private static byte[] ReadReferenced(string baseDirectory, string file, string what, string path, long limit)
    {
        var full = Path.GetFullPath(Path.Combine(baseDirectory, file));
        try
        {
            return BoundedFile.ReadAllBytes(full, limit);
        }
        catch (InputTooLargeException)
        {
            throw new KioskInputException($"scenario {path}: {what} file {file} is larger than {BoundedFile.Describe(limit)}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"scenario {path}: {what} file cannot be read: {file} ({ex.GetType().Name})");
        }
    }
}
