using Iot.Device.Media;

namespace Kiosk.Drivers.Audio;

/// <summary>
/// Plays clips on an ALSA playback device through <c>Iot.Device.Media.SoundDevice</c> (Iot.Device.Bindings): the Pi's
/// headphone jack, HDMI, a USB speaker, or any PCM of the ALSA configuration (<c>default</c>,
/// <c>default:CARD=Headphones</c>, <c>plughw:1,0</c>, <c>null</c>, a PCM of <c>/etc/asound.conf</c>, ...): only a
/// plain name (<see cref="AlsaDeviceName"/>), never one ALSA would build a plugin from (<c>file:'|cmd'</c>).
/// </summary>
/// <remarks>
/// Each clip opens the PCM, plays and closes it (that is what <c>SoundDevice.Play</c> does), on a thread of its own:
/// <c>Play</c> blocks for the length of the clip. <c>SoundDevice</c> cannot be interrupted mid-clip, so the clip is
/// fed through <see cref="PacedPcmStream"/>, which releases it at playing speed and ends it on cancellation: a cut
/// takes effect within <see cref="Lead"/> plus one ALSA period. The mixer is left alone (no unmute: many PCMs,
/// <c>null</c> and <c>file</c> among them, have none); volume is applied to the samples by the caller.
/// </remarks>
public sealed class AlsaSoundSink : ISoundSink
{
    /// <summary>Default of <see cref="Lead"/>: ample against scheduling hiccups on a Pi, short enough for a prompt cut.</summary>
    public static readonly TimeSpan DefaultLead = TimeSpan.FromMilliseconds(200);

    private readonly TimeProvider _time;
    private readonly bool _plainOnly;

    /// <param name="device">ALSA PCM name (<c>aplay -L</c> lists them); must be plain (<see cref="AlsaDeviceName.IsPlain"/>).</param>
    /// <param name="time">The clock that paces the data (a real one: the sound card plays in real time).</param>
    /// <param name="lead">How far ahead of playback data is handed to ALSA; null = <see cref="DefaultLead"/>.</param>
    /// <exception cref="ArgumentException">The device name is not plain.</exception>
    public AlsaSoundSink(string device, TimeProvider time, TimeSpan? lead = null)
        : this(device, time, lead, plainOnly: true)
    {
    }

    private AlsaSoundSink(string device, TimeProvider time, TimeSpan? lead, bool plainOnly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        _plainOnly = plainOnly;
        if (plainOnly)
        {
            AlsaDeviceName.ThrowIfNotPlain(device);
        }

        Device = device;
        _time = time;
        Lead = lead ?? DefaultLead;
        AlsaLibrary.EnsureResolvable();
    }

    /// <summary>
    /// A sink on any PCM string, plugins included (<c>file:FILE=/tmp/out.raw,FORMAT=raw</c>): only for the driver's
    /// own tests, which play through ALSA's file plugin without a configuration of the machine. Never for a name
    /// from configuration or a command line.
    /// </summary>
    internal static AlsaSoundSink ForPluginTests(string device, TimeProvider time, TimeSpan? lead = null) => new(device, time, lead, plainOnly: false);

    /// <summary>The ALSA PCM name.</summary>
    public string Device { get; }

    /// <summary>How far ahead of playback data is handed to ALSA.</summary>
    public TimeSpan Lead { get; }

    /// <inheritdoc/>
    public string Name => $"alsa:{Device}";

    /// <inheritdoc/>
    public Task PlayAsync(PcmClip clip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        return Task.Factory.StartNew(
            () =>
            {
                Play(clip, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>Plays on the calling thread; returns when the clip has played or, cancelled, has stopped.</summary>
    /// <exception cref="Exception">ALSA failed (<c>SoundDevice</c> throws <see cref="Exception"/> itself), or the library is missing (<see cref="DllNotFoundException"/>).</exception>
    public void Play(PcmClip clip, CancellationToken cancellationToken)
    {
        // Checked again right before ALSA parses it (defence in depth: the constructor checked it already).
        if (_plainOnly)
        {
            AlsaDeviceName.ThrowIfNotPlain(Device);
        }

        using var stream = new PacedPcmStream(clip, _time, Lead, cancellationToken);
        using var device = SoundDevice.Create(new SoundConnectionSettings { PlaybackDeviceName = Device }, unmute: false);
        device.Play(stream);
    }
}
