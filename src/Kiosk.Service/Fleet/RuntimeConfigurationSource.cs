using Microsoft.Extensions.Configuration;

namespace Kiosk.Service.Fleet;

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

/// <summary>Holds the applied remote settings; <see cref="Commit"/> persists and reloads.</summary>
public sealed class RuntimeConfigurationProvider : ConfigurationProvider
{
    private readonly object _gate = new();
    private readonly string _path;

    internal RuntimeConfigurationProvider(string path) => _path = path;

    /// <summary>The version of the applied document; null when none.</summary>
    public long? AppliedVersion { get; private set; }

    /// <summary>The applied settings (flattened keys).</summary>
    public IReadOnlyDictionary<string, string?> Values
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);
            }
        }
    }

    /// <summary>Why the persisted document could not be loaded at start (it is then ignored); null when fine.</summary>
    public string? LoadError { get; private set; }

    /// <inheritdoc />
    public override void Load()
    {
        lock (_gate)
        {
            Data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            AppliedVersion = null;
            LoadError = null;
            if (!File.Exists(_path))
            {
                return;
            }

            try
            {
                var document = DesiredDocument.Parse(File.ReadAllBytes(_path));
                Data = new Dictionary<string, string?>(document.Values, StringComparer.OrdinalIgnoreCase);
                AppliedVersion = document.Version;
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                LoadError = $"{RuntimeConfigurationSource.FileName}: {ex.Message}";
            }
        }
    }

    /// <summary>Persists <paramref name="json"/> (temporary file, flush, rename) and makes <paramref name="document"/> the effective values.</summary>
    internal void Commit(ReadOnlySpan<byte> json, DesiredDocument document)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temp = _path + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
            Data = new Dictionary<string, string?>(document.Values, StringComparer.OrdinalIgnoreCase);
            AppliedVersion = document.Version;
        }

        OnReload();
    }
}
