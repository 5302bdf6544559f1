using System.Threading.Channels;

namespace Kiosk.Core.Checkpoint;

/// <summary>A card that came onto the reader (a new card, or the same one after it was away): decide it once.</summary>
/// <param name="Sighting">The look that found it: <see cref="CardReadKind.Read"/> or <see cref="CardReadKind.Unreadable"/>.</param>
internal readonly record struct CardPresentation(CardSighting Sighting)
{
    /// <summary>Never prints the card.</summary>
    public override string ToString() => $"CardPresentation({Sighting.Kind})";
}

/// <summary>One thing for the checkpoint to decide: a code that came into view, or a card that came onto the reader.</summary>
internal readonly record struct Presentation(CodePresentation? Code, CardPresentation? Card)
{
    public static Presentation Of(CodePresentation code) => new(code, null);

    public static Presentation Of(CardPresentation card) => new(null, card);
}

/// <summary>
/// The checkpoint's side of what the camera pump and the card pump present (identity.md, "Which comes first"): one
/// presentation at a time; when codes and cards are both waiting the code goes first and the cards belong to its
/// decision. Used by the checkpoint loop alone (one reader); the pumps write to the channel from any thread.
/// </summary>
/// <remarks>Every wait is one plain await on the channel, cut by a cancellation timer on the kiosk's
/// <see cref="TimeProvider"/>: no <c>WhenAny</c>, so virtual time stays exact (docs/architecture.md, "Time").</remarks>
internal sealed class PresentationQueue(ChannelReader<Presentation> channel, TimeProvider time)
{
    private readonly List<Presentation> _waiting = [];

    /// <summary>Something is waiting to be decided.</summary>
    public bool HasWaiting
    {
        get
        {
            Drain();
            return _waiting.Count > 0;
        }
    }

    /// <summary>Both pumps have stopped and nothing more will come.</summary>
    public bool Completed => channel.Completion.IsCompleted;

    /// <summary>
    /// The next presentation: the first code waiting, and then every card waiting with it belongs to that code's
    /// decision and is dropped; with no code waiting, the latest card (an earlier one has left the only reader).
    /// </summary>
    public bool TryTake(out Presentation next)
    {
        Drain();
        var code = _waiting.FindIndex(p => p.Code is not null);
        if (code >= 0)
        {
            next = _waiting[code];
            _waiting.RemoveAt(code);
            _waiting.RemoveAll(p => p.Card is not null);
            return true;
        }

        if (_waiting.Count > 0)
        {
            next = _waiting[^1];
            _waiting.Clear();
            return true;
        }

        next = default;
        return false;
    }

    /// <summary>Takes the cards that came while a code was being decided (they belong to it); codes stay waiting.</summary>
    public List<CardPresentation> TakeCards()
    {
        Drain();
        var cards = _waiting.Where(p => p.Card is not null).Select(p => p.Card!.Value).ToList();
        _waiting.RemoveAll(p => p.Card is not null);
        return cards;
    }

    /// <summary>
    /// Waits until something new is presented (true), <paramref name="timeout"/> passes (false; null: no limit) or
    /// the pumps have stopped (false). What was waiting before stays waiting.
    /// </summary>
    public async Task<bool> WaitForMoreAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        Drain();
        if (timeout is not { } limit)
        {
            return await channel.WaitToReadAsync(cancellationToken);
        }

        if (limit <= TimeSpan.Zero)
        {
            return false;
        }

        using var timer = new CancellationTokenSource(limit, time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await channel.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Drain()
    {
        while (channel.TryRead(out var presentation))
        {
            _waiting.Add(presentation);
        }
    }
}
