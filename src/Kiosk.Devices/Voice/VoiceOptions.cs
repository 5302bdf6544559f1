using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Kiosk.Core.Configuration;
using Kiosk.Drivers.Audio;

namespace Kiosk.Devices.Voice;

/// <summary>
/// Section <c>Voice</c>: the spoken prompts. Every key but <see cref="ClipsDirectory"/> may change at run time
/// (<c>config/desired</c>); the next prompt uses the new value.
/// </summary>
public sealed class VoiceOptions : IValidatableObject
{
    public const string Section = "Voice";

    /// <summary>Speak at all. Off: no prompt, and an <c>audio_fault</c> clears.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// ALSA playback device (<c>aplay -L</c>): <c>default</c>, <c>default:CARD=Headphones</c> (Pi jack),
    /// <c>default:CARD=vc4hdmi0</c> (Pi HDMI), <c>plughw:CARD=Device</c> (USB), or a PCM the system's ALSA
    /// configuration defines; only a plain name (<see cref="AlsaDeviceName.IsPlain"/>), never a plugin string.
    /// </summary>
    [Required]
    public string Device { get; set; } = "default";

    /// <summary>Volume in percent of the clips' level (the samples are scaled; 0 = silent).</summary>
    [Range(0, 100)]
    public int Volume { get; set; } = 80;

    /// <summary><c>zh</c>, <c>en</c> or <c>both</c> (Mandarin first).</summary>
    [Required]
    public string Language { get; set; } = "both";

    /// <summary>Start of the quiet hours, site local time (e.g. <c>22:00</c>); quiet hours need both ends.</summary>
    public TimeSpan? QuietFrom { get; set; }

    /// <summary>End of the quiet hours, site local time (e.g. <c>07:00</c>; may be earlier than <see cref="QuietFrom"/>: over midnight).</summary>
    public TimeSpan? QuietTo { get; set; }

    /// <summary>Volume in percent during the quiet hours (0 = silent).</summary>
    [Range(0, 100)]
    public int QuietVolume { get; set; } = 30;

    /// <summary>
    /// The site's time zone for the quiet hours: a fixed offset (<c>+08:00</c>) or a tz database id
    /// (<c>Asia/Shanghai</c>, needs the system's tzdata). Default <c>+08:00</c>: China Standard Time, which has no
    /// daylight saving, so the fixed offset is exact and needs no tzdata.
    /// </summary>
    [Required]
    public string TimeZone { get; set; } = "+08:00";

    /// <summary>A site's own recordings: a WAV named like a default clip (<c>pass.zh.wav</c>) replaces it. Read at start.</summary>
    public string? ClipsDirectory { get; set; } = "/etc/kiosk/voice";

    /// <summary>The languages to speak, in order: <c>zh</c>, <c>en</c>.</summary>
    public IReadOnlyList<string> LanguageCodes => LanguageSetting.Normalize(Language) switch
    {
        LanguageSetting.Chinese => ["zh"],
        LanguageSetting.English => ["en"],
        _ => ["zh", "en"],
    };

    /// <summary>The volume (0..1) at <paramref name="utcNow"/>: <see cref="QuietVolume"/> within the quiet hours, else <see cref="Volume"/>.</summary>
    public double GainAt(DateTimeOffset utcNow) => (IsQuietAt(utcNow) ? QuietVolume : Volume) / 100.0;

    /// <summary>True within the quiet hours (<see cref="QuietFrom"/> inclusive to <see cref="QuietTo"/> exclusive, site local time).</summary>
    public bool IsQuietAt(DateTimeOffset utcNow)
    {
        if (QuietFrom is not { } from || QuietTo is not { } to || from == to || !TryParseTimeZone(TimeZone, out var zone))
        {
            return false;
        }

        var local = TimeZoneInfo.ConvertTime(utcNow, zone).TimeOfDay;
        return from < to ? local >= from && local < to : local >= from || local < to;
    }

    /// <summary>Parses <see cref="TimeZone"/>: <c>+08:00</c>, <c>-05:30</c>, <c>UTC</c> or a tz database id.</summary>
    public static bool TryParseTimeZone(string? text, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed is ['+' or '-', ..]
            && TimeSpan.TryParseExact(trimmed[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var offset)
            && offset <= TimeSpan.FromHours(14))
        {
            var signed = trimmed[0] == '-' ? -offset : offset;
            zone = TimeZoneInfo.CreateCustomTimeZone($"UTC{trimmed}", signed, $"UTC{trimmed}", $"UTC{trimmed}");
            return true;
        }

        if (!IsTimeZoneId(trimmed))
        {
            // The id names a file under the system's zoneinfo: a path of its own (/dev/zero, ../) is no id.
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(trimmed);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>A tz database id: <c>Area/Location</c> segments of letters, digits, <c>_</c>, <c>+</c> and <c>-</c> (<c>UTC</c>, <c>Asia/Shanghai</c>, <c>Etc/GMT-8</c>).</summary>
    private static bool IsTimeZoneId(string text) =>
        text.Length <= 64
        && text.Split('/').All(segment => segment.Length > 0 && char.IsAsciiLetter(segment[0]) && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '-'));

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LanguageSetting.Normalize(Language) is null)
        {
            yield return new ValidationResult(LanguageSetting.Error("Voice:Language", Language), [nameof(Language)]);
        }

        if (!AlsaDeviceName.IsPlain(Device))
        {
            // A PCM string is ALSA configuration (file:'|cmd' runs a shell): only plain names, from files or the fleet.
            yield return new ValidationResult($"Voice:Device '{AlsaDeviceName.Printable(Device)}' must be {AlsaDeviceName.Expected}", [nameof(Device)]);
        }

        if (QuietFrom.HasValue != QuietTo.HasValue)
        {
            yield return new ValidationResult("Voice:QuietFrom and Voice:QuietTo go together (both set, or neither)", [nameof(QuietFrom), nameof(QuietTo)]);
        }

        foreach (var (name, value) in new[] { (nameof(QuietFrom), QuietFrom), (nameof(QuietTo), QuietTo) })
        {
            if (value is { } t && (t < TimeSpan.Zero || t >= TimeSpan.FromDays(1)))
            {
                yield return new ValidationResult($"Voice:{name} must be a time of day from 00:00 to 23:59", [name]);
            }
        }

        if (!TryParseTimeZone(TimeZone, out _))
        {
            yield return new ValidationResult($"Voice:TimeZone '{TimeZone}' is neither an offset like +08:00 nor a known time zone id", [nameof(TimeZone)]);
        }
    }
}
