using System.Threading.Channels;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.Audio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Voice;

/// <summary>Opens the sound sink of an ALSA device name (hardware), or returns the simulated sink.</summary>
public delegate ISoundSink SoundSinkFactory(string device);

/// <summary>
/// Speaks every prompt shown (<see cref="Announce"/>, wired to <c>ScreenPresenter.Shown</c>: the clip of the prompt's
/// row of <see cref="PromptTable"/>, the row whose texts the screen drew) and the assist press, on its own worker: the
/// caller only posts to a channel, so no prompt, and no sound device, ever holds up a decision or the gate.
/// </summary>
/// <remarks>
/// <para>Each prompt is its clips in the configured languages (Mandarin, a 300 ms pause, English), at the volume of
/// the moment (quiet hours), on the device of the moment (<see cref="VoiceOptions"/> may change at run time).</para>
/// <para>A new screen cuts the prompt playing and replaces any waiting; the idle screen instead waits for the
/// prompt playing to end ("please pass" is heard whole, then "please show your health code").</para>
/// <para>A failing device raises <c>audio_fault</c> (one alert, whatever the number of failed prompts) and the
/// prompt is dropped. Prompts within <see cref="RetryAfterFault"/> are dropped without trying the same device again
/// (libasound writes a line to standard error, the journal, for each failed open); the first prompt after it, or on
/// another device, tries again, and a success clears the alert.</para>
/// </remarks>
public sealed partial class VoicePrompter
{
    /// <summary>Pause between the Mandarin and the English clip of one prompt.</summary>
    public static readonly TimeSpan LanguageGap = TimeSpan.FromMilliseconds(300);

    /// <summary>After a device failure, how long prompts for the same device are dropped before it is tried again.</summary>
    public static readonly TimeSpan RetryAfterFault = TimeSpan.FromSeconds(30);

    private readonly object _gate = new();
    private readonly Channel<Prompt> _prompts = Channel.CreateBounded<Prompt>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
        SingleWriter = false,
    });

    private readonly VoiceClips _clips;
    private readonly SoundSinkFactory _sinks;
    private readonly IOptionsMonitor<VoiceOptions> _options;
    private readonly IAlerts _alerts;
    private readonly TimeProvider _time;
    private readonly ILogger<VoicePrompter> _logger;
    private long _generation;
    private CancellationTokenSource? _playing;
    private ISoundSink? _sink;
    private string? _currentDevice;
    private string? _fault;
    private string? _faultDevice;
    private long _faultTimestamp;
    private long _spoken;
    private string? _pending;

    public VoicePrompter(VoiceClips clips, SoundSinkFactory sinks, IOptionsMonitor<VoiceOptions> options, IAlerts alerts, TimeProvider time, ILogger<VoicePrompter> logger)
    {
        _clips = clips;
        _sinks = sinks;
        _options = options;
        _alerts = alerts;
        _time = time;
        _logger = logger;
    }

    /// <summary>Prompts spoken to their end since start.</summary>
    public long Spoken => Interlocked.Read(ref _spoken);

    /// <summary>
    /// A prompt is shown: speak its row of <see cref="PromptTable"/>. The same prompt shown again while it is still
    /// waiting or playing does not restart it (it plays whole, in both languages, while its screen stays); a new
    /// screen cuts it. Returns at once; never throws.
    /// </summary>
    public void Announce(VisitorPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var name = PromptTable.For(prompt).Name;
        lock (_gate)
        {
            if (name == _pending)
            {
                return;
            }
        }

        Say(name, cut: prompt.Kind != PromptKind.Idle);
    }

    /// <summary>The prompt posted and not yet ended (played, cut or dropped); null when none.</summary>
    public string? Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    /// <summary>
    /// Speak prompt <paramref name="name"/> (a <see cref="PromptEntry.Name"/>; null = none). With
    /// <paramref name="cut"/> it cuts the prompt playing; without, it follows it. Either way it replaces a prompt
    /// still waiting. Returns at once; never throws.
    /// </summary>
    public void Say(string? name, bool cut = true)
    {
        CancellationTokenSource? playing = null;
        long generation;
        lock (_gate)
        {
            if (cut)
            {
                _generation++;
                playing = _playing;
            }

            generation = _generation;
            _pending = name;
        }

        if (playing is not null)
        {
            CancelElsewhere(playing);
        }

        if (name is not null)
        {
            _prompts.Writer.TryWrite(new Prompt(name, generation));
        }
    }

    /// <summary>The worker: plays prompts as they come until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _prompts.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_prompts.Reader.TryRead(out var prompt))
                {
                    try
                    {
                        await SpeakAsync(prompt, cancellationToken);
                    }
                    finally
                    {
                        Ended(prompt);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task SpeakAsync(Prompt prompt, CancellationToken stopping)
    {
        var options = _options.CurrentValue;
        if (!options.Enabled)
        {
            ClearFault("voice disabled");
            return;
        }

        var gain = options.GainAt(_time.GetUtcNow());
        if (gain <= 0 || (_fault is not null && _faultDevice == options.Device && _time.GetElapsedTime(_faultTimestamp) < RetryAfterFault))
        {
            return;
        }

        using var playing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_gate)
        {
            if (prompt.Generation != _generation)
            {
                // Cut before it began.
                return;
            }

            _playing = playing;
        }

        if (!AlsaDeviceName.IsPlain(options.Device))
        {
            // Validation refuses such a name; checked here too, so no sink is ever opened on one.
            RaiseFault(options.Device, $"the ALSA device '{AlsaDeviceName.Printable(options.Device)}' is refused: expected {AlsaDeviceName.Expected}");
            return;
        }

        var sink = SinkFor(options.Device);
        try
        {
            foreach (var missing in await PlayAsync(sink, _clips, prompt.Name, options.LanguageCodes, gain, _time, playing.Token))
            {
                LogNoClip(_logger, missing);
            }

            Interlocked.Increment(ref _spoken);
            ClearFault("playing again");
        }
        catch (OperationCanceledException) when (playing.IsCancellationRequested)
        {
            // Cut by the next screen, or shutting down.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // SoundDevice throws System.Exception for ALSA errors; a system without libasound, DllNotFoundException.
            RaiseFault(options.Device, $"{sink.Name}: {OneLine.Of(ex.Message)}");
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_playing, playing))
                {
                    _playing = null;
                }
            }
        }
    }

    /// <summary>
    /// Plays prompt <paramref name="name"/> on <paramref name="sink"/>: its clip in each language, in order, with
    /// <see cref="LanguageGap"/> between them, scaled by <paramref name="gain"/> (0..1). Returns the clip files it
    /// has no clip for. Throws what the sink throws.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PlayAsync(ISoundSink sink, VoiceClips clips, string name, IReadOnlyList<string> languages, double gain, TimeProvider time, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var first = true;
        foreach (var language in languages)
        {
            if (clips.Get(name, language) is not { } clip)
            {
                missing.Add(VoiceClips.FileName(name, language));
                continue;
            }

            if (!first)
            {
                await Task.Delay(LanguageGap, time, cancellationToken);
            }

            first = false;
            await sink.PlayAsync(clip.WithGain(gain), cancellationToken);
        }

        return missing;
    }

    /// <summary>
    /// Cuts the prompt playing without running any of the voice's work on the caller's thread (the checkpoint's: a
    /// cancelled delay would resume the worker inline there): posted to the caller's synchronization context (the
    /// simulation's loop, which keeps virtual time exact), else to the thread pool.
    /// </summary>
    private static void CancelElsewhere(CancellationTokenSource playing)
    {
        if (SynchronizationContext.Current is { } context)
        {
            context.Post(static s => TryCancel((CancellationTokenSource)s!), playing);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => TryCancel(s), playing, preferLocal: false);
        }
    }

    private static void TryCancel(CancellationTokenSource playing)
    {
        try
        {
            playing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The prompt ended meanwhile.
        }
    }

    private ISoundSink SinkFor(string device)
    {
        if (_sink is null || _currentDevice != device)
        {
            _sink = _sinks(device);
            _currentDevice = device;
        }

        return _sink;
    }

    private void RaiseFault(string device, string detail)
    {
        if (_fault is null)
        {
            LogFault(_logger, detail);
        }

        _fault = detail;
        _faultDevice = device;
        _faultTimestamp = _time.GetTimestamp();
        _alerts.Raise(AlertKinds.AudioFault, detail);
    }

    private void ClearFault(string why)
    {
        if (_fault is null)
        {
            return;
        }

        _fault = null;
        LogRecovered(_logger, why);
        _alerts.Clear(AlertKinds.AudioFault, why);
    }

    /// <summary>A prompt has ended (played, cut or dropped): the same screen shown again now speaks again.</summary>
    private void Ended(Prompt prompt)
    {
        lock (_gate)
        {
            if (_pending == prompt.Name && _generation == prompt.Generation)
            {
                _pending = null;
            }
        }
    }

    private readonly record struct Prompt(string Name, long Generation);

    [LoggerMessage(EventId = 4411, Level = LogLevel.Error, Message = "Voice: the sound device failed ({Detail}); prompts are dropped until it plays again")]
    private static partial void LogFault(ILogger logger, string detail);

    [LoggerMessage(EventId = 4412, Level = LogLevel.Information, Message = "Voice: the sound device works again ({Why})")]
    private static partial void LogRecovered(ILogger logger, string why);

    [LoggerMessage(EventId = 4413, Level = LogLevel.Error, Message = "Voice: no clip {File}")]
    private static partial void LogNoClip(ILogger logger, string file);
}
