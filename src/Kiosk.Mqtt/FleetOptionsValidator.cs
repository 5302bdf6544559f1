using Microsoft.Extensions.Options;

namespace Kiosk.Mqtt;

/// <summary>Cross-field checks of <see cref="FleetOptions"/> (files exist, certificate pairs, back-off order).</summary>
public sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.ValidateLink().ToList();
        var discovery = options.HomeAssistant.DiscoveryPrefix;
        if (string.IsNullOrWhiteSpace(discovery) || discovery.IndexOfAny(['+', '#']) >= 0 || discovery.EndsWith('/') || discovery.StartsWith('/'))
        {
            failures.Add("Fleet:HomeAssistant:DiscoveryPrefix must be a topic without + or # and without a leading or trailing /");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
