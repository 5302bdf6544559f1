using System.Globalization;
using System.Text.Json;

namespace Kiosk.Mqtt;

/// <summary>
/// A <c>config/desired</c> document: a JSON object with an integer <c>version</c> and settings sections, e.g.
/// <c>{"version":3,"Checkpoint":{"FeverThresholdC":37.5},"Display":{"Language":"en"}}</c>, flattened to
/// configuration keys (<c>Checkpoint:FeverThresholdC</c> = <c>37.5</c>).
/// </summary>
public sealed record DesiredDocument(long Version, IReadOnlyDictionary<string, string?> Values)
{
    /// <summary>
    /// The largest version: 2^53 − 1, the largest integer every JSON reader holds exactly (RFC 8259 §6). Versions are
    /// 1 to this; a document outside is invalid, so no document can pin a kiosk at a version that cannot grow. The
    /// last version may be published again with other settings (docs/mqtt.md, "Remote configuration").
    /// </summary>
    public const long MaxVersion = (1L << 53) - 1;

    /// <summary>Parses and flattens; throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static DesiredDocument Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw new FormatException("the desired document is not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the desired document must be a JSON object");
            }

            if (!root.TryGetProperty("version", out var versionElement) || versionElement.ValueKind != JsonValueKind.Number || !versionElement.TryGetInt64(out var version) || version is < 1 or > MaxVersion)
            {
                throw new FormatException($"the desired document needs an integer \"version\" from 1 to {MaxVersion.ToString(CultureInfo.InvariantCulture)}");
            }

            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var section in root.EnumerateObject())
            {
                if (section.NameEquals("version"))
                {
                    continue;
                }

                if (section.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"\"{section.Name}\" must be an object of settings");
                }

                Flatten(section.Value, section.Name, values);
            }

            return new DesiredDocument(version, values);
        }
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Length == 0 || property.Name.Contains(':', StringComparison.Ordinal))
                    {
                        throw new FormatException($"\"{path}\" has an invalid key");
                    }

                    Flatten(property.Value, $"{path}:{property.Name}", values);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{path}:{index.ToString(CultureInfo.InvariantCulture)}", values);
                    index++;
                }

                break;
            case JsonValueKind.String:
                Add(values, path, element.GetString());
                break;
            case JsonValueKind.Number:
                Add(values, path, element.GetRawText());
                break;
            case JsonValueKind.True:
                Add(values, path, "true");
                break;
            case JsonValueKind.False:
                Add(values, path, "false");
                break;
            default:
                throw new FormatException($"\"{path}\" is null: leave a setting out to return it to the kiosk's own value");
        }
    }

    private static void Add(Dictionary<string, string?> values, string key, string? value)
    {
        if (!values.TryAdd(key, value))
        {
            throw new FormatException($"\"{key}\" appears twice");
        }
    }
}
