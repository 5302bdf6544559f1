using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Inputs;
using Kiosk.Drivers.Audio;
using Microsoft.Extensions.Logging;

namespace Kiosk.Devices.Voice;

/// <summary>
/// The clips the kiosk speaks, a pair per prompt of <see cref="PromptTable"/> (<c>NAME.zh.wav</c> and
/// <c>NAME.en.wav</c>): the defaults built into the kiosk (Clips/*.wav, embedded, generated from Clips/prompts.tsv),
/// each replaced by a site's recording of the same file name in <see cref="VoiceOptions.ClipsDirectory"/>. The
/// directory is read once, at start: a file that is not a playable WAV raises one <c>audio_fault</c> alert naming the
/// file, and the default clip is used.
/// </summary>
public sealed partial class VoiceClips
{
    private const string ResourcePrefix = "voice/";

    private readonly Dictionary<string, PcmClip> _clips = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fromSite = new(StringComparer.Ordinal);

    /// <param name="clipsDirectory">A site's recordings; null, empty or missing = none.</param>
    /// <param name="alerts">Where a bad recording is reported.</param>
    /// <param name="logger">Logger.</param>
    public VoiceClips(string? clipsDirectory, IAlerts alerts, ILogger<VoiceClips> logger)
    {
        foreach (var prompt in PromptTable.All)
        {
            foreach (var language in Languages)
            {
                _clips[Key(prompt.Name, language)] = LoadDefault(prompt.Name, language);
            }
        }

        if (string.IsNullOrWhiteSpace(clipsDirectory) || !Directory.Exists(clipsDirectory))
        {
            return;
        }

        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(clipsDirectory, "*.wav").Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDirectoryUnreadable(logger, clipsDirectory, ex.Message);
            alerts.Notify(AlertKinds.AudioFault, $"voice clips {clipsDirectory}: {OneLine.Of(ex.Message)}");
            return;
        }

        foreach (var path in files)
        {
            var file = Path.GetFileName(path);
            var key = file[..^".wav".Length];
            if (!_clips.ContainsKey(key))
            {
                LogUnknownClip(logger, path);
                continue;
            }

            try
            {
                // Bounded and regular only: a link to /dev/zero is one bad clip, not the kiosk out of memory.
                _clips[key] = PcmClip.ReadWav(BoundedFile.ReadRegularFile(path, PcmClip.MaxWavBytes), key);
                _fromSite.Add(key);
                LogSiteClip(logger, path);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                LogBadClip(logger, path, ex.Message);
                alerts.Notify(AlertKinds.AudioFault, $"voice clip {path}: {OneLine.Of(ex.Message)}; the default clip is used");
            }
        }
    }

    /// <summary>The languages a clip exists in, in speaking order.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["zh", "en"];

    /// <summary>Clips (<c>pass.zh</c>, ...) replaced by the site's recordings.</summary>
    public IReadOnlyCollection<string> FromSite => _fromSite;

    /// <summary>The clip of prompt <paramref name="name"/> in <paramref name="language"/>; null when there is none.</summary>
    public PcmClip? Get(string name, string language) => _clips.GetValueOrDefault(Key(name, language));

    /// <summary>The default clip built into the kiosk.</summary>
    /// <exception cref="InvalidOperationException">The kiosk was built without it (a test keeps that from happening).</exception>
    public static PcmClip LoadDefault(string name, string language)
    {
        var file = FileName(name, language);
        using var stream = typeof(VoiceClips).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"the default voice clip {file} is not built into the kiosk");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return PcmClip.ReadWav(memory.ToArray(), Key(name, language));
    }

    /// <summary>The file name of a clip, e.g. <c>pass.zh.wav</c>.</summary>
    public static string FileName(string name, string language) => $"{name}.{language}.wav";

    private static string Key(string name, string language) => $"{name}.{language}";

    [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "Voice clip {Path}: the site's recording replaces the default")]
    private static partial void LogSiteClip(ILogger logger, string path);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Error, Message = "Voice clip {Path} cannot be played ({Reason}); the default clip is used")]
    private static partial void LogBadClip(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Warning, Message = "Voice clip {Path} is not named after a prompt (NAME.zh.wav or NAME.en.wav, see the voice README); ignored")]
    private static partial void LogUnknownClip(ILogger logger, string path);

    [LoggerMessage(EventId = 4404, Level = LogLevel.Error, Message = "Voice clips directory {Path} cannot be read: {Reason}")]
    private static partial void LogDirectoryUnreadable(ILogger logger, string path, string reason);
}
