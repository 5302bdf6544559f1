using HealthCode.Formats;
using Kiosk.Service.Checkpoint;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Codes;

/// <summary>An <see cref="ITrustListSource"/> from a JSON trust list file (health-code.md, "Keys"): offline provisioning and tests.</summary>
/// <remarks>The file is read when constructed; <see cref="Reload"/> reads it again and keeps the old list when the new file is bad.</remarks>
public sealed class FileTrustListSource : ITrustListSource
{
    private readonly string _path;
    private TrustList _current;

    /// <exception cref="InvalidOperationException">The file is missing or is not a valid trust list (a configuration error at start).</exception>
    public FileTrustListSource(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _current = TryLoad(out var error) ?? throw new InvalidOperationException($"Trust list '{path}': {error}");
    }

    /// <summary>From <see cref="HealthCodeOptions.TrustListFile"/>; an empty list when none is configured.</summary>
    public FileTrustListSource(IOptions<HealthCodeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _path = options.Value.TrustListFile ?? string.Empty;
        _current = _path.Length == 0
            ? TrustList.Empty
            : TryLoad(out var error) ?? throw new InvalidOperationException($"Trust list '{_path}': {error}");
    }

    /// <inheritdoc />
    public TrustList Current => Volatile.Read(ref _current);

    /// <summary>Reads the file again. False (with the reason) when it is missing or bad; the current list then stays.</summary>
    public bool Reload(out string? error)
    {
        if (_path.Length == 0)
        {
            error = "no trust list file configured";
            return false;
        }

        if (TryLoad(out error) is not { } list)
        {
            return false;
        }

        Volatile.Write(ref _current, list);
        return true;
    }

    /// <summary>Loads a JSON trust list file. Throws <see cref="FormatException"/> or an I/O exception.</summary>
    public static TrustList Load(string path) => TrustListFormat.FromJson(File.ReadAllText(path));

    private TrustList? TryLoad(out string? error)
    {
        try
        {
            error = null;
            return Load(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            error = ex.Message;
            return null;
        }
    }
}
