namespace Kiosk.Drivers.Audio;

/// <summary>
/// The ALSA playback device names the kiosk opens: plain names that select a card or a PCM the system's ALSA
/// configuration defines, never a string ALSA would turn into a plugin of its own making. ALSA parses a PCM name as
/// configuration: <c>file:'|cmd',raw</c> runs <c>cmd</c> through the shell (the file plugin's pipe), <c>{...}</c>
/// defines a PCM inline, quotes and spaces bring arbitrary arguments. The name is a remotely changeable setting
/// (<c>Voice:Device</c>), so it is checked, not passed on.
/// </summary>
/// <remarks>
/// Plain is: a bare PCM or card name (<c>default</c>, <c>null</c>, <c>pulse</c>, <c>Headphones</c>, a name a
/// site's <c>/etc/asound.conf</c> defines), letters, digits, <c>_</c> and <c>-</c>, at most
/// <see cref="MaxLength"/> characters; or one of the card PCMs <c>aplay -L</c> lists (<c>hw</c>, <c>plughw</c>,
/// <c>default</c>, <c>sysdefault</c>, <c>front</c>, <c>dmix</c>, <c>dsnoop</c>, <c>iec958</c>, <c>hdmi</c>,
/// <c>surround21</c> ... <c>surround71</c>) with card arguments only: <c>N</c>, <c>N,M</c>, <c>CARD=name</c>,
/// <c>CARD=name,DEV=N</c>. Nothing else: no quotes, braces, pipes, paths, spaces, <c>file:</c> or <c>$</c>.
/// </remarks>
public static class AlsaDeviceName
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>What a plain name looks like, for error messages.</summary>
    public const string Expected = "a plain ALSA device name: default, hw:N,M, hw:CARD=name,DEV=N, plughw:..., sysdefault:CARD=name, default:CARD=name, a card name or a PCM the system defines";

    private static readonly string[] CardPcms =
    [
        "hw", "plughw", "default", "sysdefault", "front", "dmix", "dsnoop", "iec958", "hdmi",
        "surround21", "surround40", "surround41", "surround50", "surround51", "surround71",
    ];

    /// <summary>True when <paramref name="name"/> is a plain device name (see the remarks).</summary>
    public static bool IsPlain(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return IsIdentifier(name);
        }

        var pcm = name[..colon];
        if (!CardPcms.Contains(pcm, StringComparer.Ordinal))
        {
            return false;
        }

        var args = name[(colon + 1)..].Split(',');
        return args.Length switch
        {
            1 => IsNumber(args[0]) || IsNamed(args[0], "CARD", IsIdentifier),
            2 => (IsNumber(args[0]) && IsNumber(args[1])) || (IsNamed(args[0], "CARD", IsIdentifier) && IsNamed(args[1], "DEV", IsNumber)),
            _ => false,
        };
    }

    /// <summary>Throws unless <paramref name="name"/> is plain.</summary>
    /// <exception cref="ArgumentException">The name is not plain.</exception>
    public static void ThrowIfNotPlain(string? name)
    {
        if (!IsPlain(name))
        {
            throw new ArgumentException($"the ALSA device '{Printable(name)}' is refused: expected {Expected}", nameof(name));
        }
    }

    /// <summary>The name for a message: control characters shown as <c>?</c>, cut at a readable length.</summary>
    public static string Printable(string? name)
    {
        var text = new string((name ?? string.Empty).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return text.Length > 80 ? text[..80] + "…" : text;
    }

    private static bool IsNamed(string arg, string key, Func<string, bool> value) =>
        arg.Length > key.Length + 1 && arg.StartsWith(key, StringComparison.Ordinal) && arg[key.Length] == '=' && value(arg[(key.Length + 1)..]);

    private static bool IsNumber(string text) => text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit);

    private static bool IsIdentifier(string text) =>
        text.Length > 0 && char.IsAsciiLetterOrDigit(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
