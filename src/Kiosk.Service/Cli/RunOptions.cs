namespace Kiosk.Service.Cli;

/// <summary>What <c>run</c> was asked to do.</summary>
internal sealed record RunOptions(
    string? ConfigFile,
    bool Simulate,
    string? ScenarioFile,
    string? EventsFile,
    string? ScreensDirectory,
    (string Host, int Port)? Broker,
    string? AudioDirectory = null)
{
    /// <summary>A scenario's persistent data directory (<c>--data</c>): null = a temporary one, deleted after the run.</summary>
    public string? DataDirectory { get; init; }

    /// <summary><c>--mqtt HOST:PORT</c> as configuration: both links, the fleet's and the color feed's, to that broker.</summary>
    public IEnumerable<KeyValuePair<string, string?>> BrokerOverrides()
    {
        if (Broker is not { } broker)
        {
            yield break;
        }

        foreach (var section in new[] { "Fleet", "ColorFeed" })
        {
            yield return new($"{section}:Host", broker.Host);
            yield return new($"{section}:Port", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
