namespace Kiosk.Core.Checkpoint;

/// <summary>
/// The aiming help's rule (issue 21): when the camera has seen a code it cannot read for <c>after</c>
/// (<c>Checkpoint:AimingHelpAfter</c>, 1 s), the idle screen asks the visitor to move the code closer and hold it still
/// (<see cref="PromptKind.Aiming"/>), as commercial readers do. Fed every camera sighting in order; asked, at any time,
/// whether the help is due and when that answer next changes, so the checkpoint loop can wake exactly then.
/// </summary>
/// <remarks>
/// An episode starts at the first sighting of an unreadable code and lasts while such sightings keep coming: a look
/// that sees no code (the code left the view, or one frame too blurred to show its finder patterns) ends it only once
/// no code was seen for <c>goneAfter</c> (<c>Checkpoint:GoneAfter</c>, the rule by which a code has left the view).
/// A read ends it at once. The watch keeps timestamps only, never the code. Not thread-safe: the caller locks.
/// </remarks>
/// <param name="after">How long an unreadable code must stay in view; zero or less: never (aiming help off).</param>
/// <param name="goneAfter">How long without a code seen ends an episode.</param>
internal sealed class AimingWatch(TimeSpan after, TimeSpan goneAfter)
{
    private DateTimeOffset? _since;
    private DateTimeOffset _lastSeen;

    /// <summary>Feeds one camera sighting.</summary>
    public void Observe(CodeSighting sighting)
    {
        if (sighting.Text is not null)
        {
            _since = null;
            return;
        }

        if (sighting.CodeSeen)
        {
            if (_since is null || sighting.At - _lastSeen >= goneAfter)
            {
                _since = sighting.At;
            }

            _lastSeen = sighting.At;
            return;
        }

        if (_since is not null && sighting.At - _lastSeen >= goneAfter)
        {
            _since = null;
        }
    }

    /// <summary>
    /// The aiming help is due at <paramref name="now"/>: an unreadable code has been seen over <c>after</c> (from the
    /// episode's first sighting to its latest) and was seen less than <c>goneAfter</c> ago.
    /// </summary>
    public bool IsDue(DateTimeOffset now) =>
        after > TimeSpan.Zero && _since is { } since && _lastSeen - since >= after && now - _lastSeen < goneAfter;

    /// <summary>
    /// How long from <paramref name="now"/> until <see cref="IsDue"/> should be asked again: when the help is due, until its
    /// code will have been gone for <c>goneAfter</c>; before, until the episode reaches <c>after</c>, then every
    /// <see cref="Recheck"/> while the sighting that crosses it is on its way; null when nothing is under way.
    /// </summary>
    public TimeSpan? ChangesIn(DateTimeOffset now)
    {
        if (after <= TimeSpan.Zero || _since is not { } since || now - _lastSeen >= goneAfter)
        {
            return null;
        }

        var lapse = _lastSeen + goneAfter - now;
        if (_lastSeen - since >= after)
        {
            return lapse;
        }

        var due = since + after - now;
        return due > TimeSpan.Zero ? due : (lapse < Recheck ? lapse : Recheck);
    }

    /// <summary>How often the loop looks again once an episode is old enough but its latest sighting is not yet in.</summary>
    public static TimeSpan Recheck { get; } = TimeSpan.FromMilliseconds(50);
}
