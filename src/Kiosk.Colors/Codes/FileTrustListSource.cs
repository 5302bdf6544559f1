using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Inputs;
using Microsoft.Extensions.Options;

namespace Kiosk.Colors.Codes;

/// <summary>An <see cref="ITrustListSource"/> from a JSON trust list file (health-code.md, "Keys"): offline provisioning and tests.</summary>
/// <remarks>The file is read when constructed; <see cref="Reload"/> reads it again and keeps the old list when the new file is bad.</remarks>
public sealed class FileTrustListSource : ITrustListSource
{
    private readonly string _path;
    private TrustList _current;

    /// <exception cref="OptionsValidationException">The file is missing or is not a valid trust list (a configuration error at start, naming <c>HealthCode:TrustListFile</c>).</exception>
    public FileTrustListSource(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _current = TryLoad(out var error) ?? throw Invalid(path, error);
    }

    /// <summary>From <see cref="HealthCodeOptions.TrustListFile"/>; an empty list when none is configured.</summary>
    public FileTrustListSource(IOptions<HealthCodeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _path = options.Value.TrustListFile ?? string.Empty;
        _current = _path.Length == 0
            ? TrustList.Empty
            : TryLoad(out var error) ?? throw Invalid(_path, error);
    }

    private static OptionsValidationException Invalid(string path, string? error) =>
        new(HealthCodeOptions.Section, typeof(HealthCodeOptions), [$"{HealthCodeOptions.Section}:{nameof(HealthCodeOptions.TrustListFile)} '{path}': {error}"]);

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

    /// <summary>Loads a JSON trust list file (at most <see cref="InputLimits.TrustListBytes"/>). Throws <see cref="FormatException"/>, <see cref="InvalidDataException"/> (not UTF-8) or an I/O exception.</summary>
    public static TrustList Load(string path) => TrustListFormat.FromJson(BoundedFile.ReadAllText(path, InputLimits.TrustListBytes));

    private TrustList? TryLoad(out string? error)
    {
        try
        {
            error = null;
            return Load(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException)
        {
            error = ex.Message;
            return null;
        }
    }
}
