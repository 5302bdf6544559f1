namespace Kiosk.Drivers.Audio;

/// <summary>Somewhere a clip is heard: an ALSA playback device, or the simulated sink.</summary>
public interface ISoundSink
{
    /// <summary>Short name for alerts and logs, e.g. <c>alsa:default</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Plays <paramref name="clip"/> to its end. Cancelling cuts it short: the task then ends as cancelled once the
    /// output has stopped. Throws on a device failure (missing device, library, write error).
    /// </summary>
    Task PlayAsync(PcmClip clip, CancellationToken cancellationToken);
}
