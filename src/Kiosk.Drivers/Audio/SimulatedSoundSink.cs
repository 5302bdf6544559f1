using System.Globalization;

namespace Kiosk.Drivers.Audio;

/// <summary>
/// A sound device in memory: each clip "plays" for its duration on the injected clock (in a scenario, virtual time)
/// and is recorded with when it started and how much of it was heard; with <see cref="RecordDirectory"/> set, what
/// was heard is written as <c>0001-pass.zh.wav</c>, ... so a person can listen. <see cref="Fail"/> injects a device fault.
/// Like a Pi with one sound card, it is one device, <see cref="Device"/>: <see cref="Open"/> of any other name gives a
/// device that fails as ALSA does for an unknown PCM.
/// </summary>
public sealed class SimulatedSoundSink : ISoundSink
{
    private readonly object _gate = new();
    private readonly List<PlayedClip> _played = [];
    private readonly TimeProvider _time;
    private string? _fault;

    /// <param name="time">The clock clips play on.</param>
    /// <param name="recordDirectory">Where to write what was heard; null = nowhere.</param>
    public SimulatedSoundSink(TimeProvider time, string? recordDirectory = null)
    {
        _time = time;
        RecordDirectory = recordDirectory;
    }

    /// <summary>The simulated card's device name.</summary>
    public const string Device = "default";

    /// <inheritdoc/>
    public string Name => $"simulated:{Device}";

    /// <summary>This sink for <see cref="Device"/>; for another name, a sink that fails every play ("no such device").</summary>
    public ISoundSink Open(string device) => device == Device ? this : new MissingDevice(device);

    /// <summary>Where what was heard is written as WAV files; null = nowhere.</summary>
    public string? RecordDirectory { get; set; }

    /// <summary>Every clip played so far, in order.</summary>
    public IReadOnlyList<PlayedClip> Played
    {
        get
        {
            lock (_gate)
            {
                return _played.ToArray();
            }
        }
    }

    /// <summary>From now on every play fails at once with an <see cref="IOException"/> of this message; null = works again.</summary>
    public void Fail(string? message)
    {
        lock (_gate)
        {
            _fault = message;
        }
    }

    /// <inheritdoc/>
    public async Task PlayAsync(PcmClip clip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clip);
        int number;
        lock (_gate)
        {
            if (_fault is { } fault)
            {
                throw new IOException(fault);
            }

            number = _played.Count + 1;
            _played.Add(new PlayedClip(number, clip.Name, _time.GetUtcNow(), clip.Duration, TimeSpan.Zero, false, null));
        }

        var started = _time.GetTimestamp();
        var cut = false;
        try
        {
            await Task.Delay(clip.Duration, _time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            cut = true;
            throw;
        }
        finally
        {
            var heard = cut ? _time.GetElapsedTime(started) : clip.Duration;
            var file = Record(number, clip, heard);
            lock (_gate)
            {
                _played[number - 1] = _played[number - 1] with { Heard = heard, Cut = cut, File = file };
            }
        }
    }

    private sealed class MissingDevice(string device) : ISoundSink
    {
        public string Name => $"simulated:{device}";

        public Task PlayAsync(PcmClip clip, CancellationToken cancellationToken) =>
            Task.FromException(new IOException($"no such device: {device} (the simulated kiosk has one, '{Device}')"));
    }

    private string? Record(int number, PcmClip clip, TimeSpan heard)
    {
        if (string.IsNullOrEmpty(RecordDirectory))
        {
            return null;
        }

        Directory.CreateDirectory(RecordDirectory);
        var path = Path.Combine(RecordDirectory, string.Create(CultureInfo.InvariantCulture, $"{number:0000}-{clip.Name}.wav"));
        using var file = File.Create(path);
        clip.Take(heard).WriteWav(file);
        return path;
    }
}
