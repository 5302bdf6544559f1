namespace Kiosk.Core.Checkpoint;

/// <summary>
/// Turns per-look sightings into presentations: the same thing held in front of the kiosk (a QR text in front of the
/// camera, a card on the reader) is presented once; a different one, or the same one after it has been away for
/// <c>goneAfter</c>, is presented again.
/// </summary>
/// <remarks>One missed look (glare, motion blur, a read that failed) does not count as leaving: the thing must be absent
/// for <c>goneAfter</c> of sighting time. The same rule serves codes (by their text) and cards (identity.md: "the same
/// card (the same number) held on the reader is decided once"; by a key the card pump makes of the number).</remarks>
internal sealed class DuplicateSuppressor(TimeSpan goneAfter)
{
    private string? _inView;
    private DateTimeOffset _lastSeen;

    /// <summary>The text currently considered in view, if any.</summary>
    public bool HasCodeInView => _inView is not null;

    /// <summary>The key (QR text, card key) now considered in view, if any. Never logged.</summary>
    public string? InView => _inView;

    /// <summary>Feeds one sighting; returns a presentation when a code newly came into view.</summary>
    public CodePresentation? Observe(CodeSighting sighting) =>
        Observe(sighting.At, sighting.Text) ? new CodePresentation(sighting.Text!, sighting.At) : null;

    /// <summary>Feeds one look at what is presented (<paramref name="key"/> null: nothing); true when <paramref name="key"/> newly came into view.</summary>
    public bool Observe(DateTimeOffset at, string? key)
    {
        if (key is null)
        {
            if (_inView is not null && at - _lastSeen >= goneAfter)
            {
                _inView = null;
            }

            return false;
        }

        if (_inView is not null && string.Equals(_inView, key, StringComparison.Ordinal))
        {
            _lastSeen = at;
            return false;
        }

        _inView = key;
        _lastSeen = at;
        return true;
    }

    /// <summary>True when <paramref name="text"/> is the code in view now.</summary>
    public bool IsInView(string text) => _inView is not null && string.Equals(_inView, text, StringComparison.Ordinal);
}
