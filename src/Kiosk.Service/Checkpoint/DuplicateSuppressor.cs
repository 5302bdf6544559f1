namespace Kiosk.Service.Checkpoint;

/// <summary>
/// Turns per-frame sightings into presentations: the same QR text held in front of the camera is presented
/// once; a different text, or the same text after it has been out of view for <c>goneAfter</c>, is presented again.
/// </summary>
/// <remarks>One missed frame (glare, motion blur) does not count as leaving: the code must be absent for
/// <c>goneAfter</c> of frame time.</remarks>
public sealed class DuplicateSuppressor(TimeSpan goneAfter)
{
    private string? _inView;
    private DateTimeOffset _lastSeen;

    /// <summary>The text currently considered in view, if any.</summary>
    public bool HasCodeInView => _inView is not null;

    /// <summary>Feeds one sighting; returns a presentation when a code newly came into view.</summary>
    public CodePresentation? Observe(CodeSighting sighting)
    {
        if (sighting.Text is null)
        {
            if (_inView is not null && sighting.At - _lastSeen >= goneAfter)
            {
                _inView = null;
            }

            return null;
        }

        if (_inView is not null && string.Equals(_inView, sighting.Text, StringComparison.Ordinal))
        {
            _lastSeen = sighting.At;
            return null;
        }

        _inView = sighting.Text;
        _lastSeen = sighting.At;
        return new CodePresentation(sighting.Text, sighting.At);
    }

    /// <summary>True when <paramref name="text"/> is the code in view now.</summary>
    public bool IsInView(string text) => _inView is not null && string.Equals(_inView, text, StringComparison.Ordinal);
}
