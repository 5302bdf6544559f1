using Microsoft.Extensions.Configuration;

namespace Kiosk.Fleet;

/// <summary>
/// The configuration source of remotely applied settings (<c>config/desired</c>). The host adds it LAST so its
/// values win, and registers the same instance in DI for <see cref="RemoteConfiguration"/>; <c>IOptionsMonitor</c>
/// consumers see a change as soon as it is applied. The applied document is kept in
/// <c>{DataDirectory}/fleet-config-desired.json</c> and loaded again at start.
/// </summary>
public sealed class RuntimeConfigurationSource : IConfigurationSource
{
    /// <summary>File name of the applied desired document in the data directory.</summary>
    public const string FileName = "fleet-config-desired.json";

    /// <summary>Creates the source for a data directory.</summary>
    public RuntimeConfigurationSource(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        FilePath = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        Provider = new RuntimeConfigurationProvider(FilePath);
    }

    /// <summary>Where the applied document is kept.</summary>
    public string FilePath { get; }

    /// <summary>The single provider (the same instance for every build).</summary>
    public RuntimeConfigurationProvider Provider { get; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
}
