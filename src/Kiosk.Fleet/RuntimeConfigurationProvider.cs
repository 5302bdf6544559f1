using Kiosk.Core.Inputs;
using Kiosk.Mqtt;
using Microsoft.Extensions.Configuration;

namespace Kiosk.Fleet;

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
                var document = DesiredDocument.Parse(BoundedFile.ReadAllBytes(_path, InputLimits.ConfigurationBytes));
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
