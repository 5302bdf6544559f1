using Microsoft.Extensions.Options;

namespace Kiosk.Colors;

/// <summary>Validates <see cref="ColorFeedOptions"/> at start (registered with ValidateOnStart).</summary>
public sealed class ColorFeedOptionsValidator : IValidateOptions<ColorFeedOptions>
{
    public ValidateOptionsResult Validate(string? name, ColorFeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Feed))
        {
            errors.Add("ColorFeed:Feed is required (e.g. CN-HL)");
        }

        try
        {
            using var key = HealthCode.Formats.Feed.AuthorityKey.FromBase64Spki(options.AuthorityKey ?? "");
        }
        catch (FormatException ex)
        {
            errors.Add($"ColorFeed:AuthorityKey: {ex.Message}");
        }

        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            errors.Add("ColorFeed:DatabasePath is required");
        }

        if (options.HealthCheckInterval <= TimeSpan.Zero)
        {
            errors.Add("ColorFeed:HealthCheckInterval must be positive");
        }

        if (options.MaxPendingBatches < 1)
        {
            errors.Add("ColorFeed:MaxPendingBatches must be at least 1");
        }

        if (options.MaxPacketBytes < 1024 * 1024)
        {
            errors.Add("ColorFeed:MaxPacketBytes must be at least 1 MiB");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
