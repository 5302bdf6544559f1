using System.Threading.Channels;
using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Microsoft.Extensions.Logging;

namespace Kiosk.Core.Checkpoint;

// The ID card side of the checkpoint (identity.md): the card pump, the card path C1-C7, and the holder's card that
// confirms a code in document mode (rules 7a, 7b).
public sealed partial class CheckpointLoop
{
    /// <summary>The key of an unreadable card in the card pump's duplicate suppressor (a number key is 18 characters).</summary>
    private const string UnreadableKey = "unreadable";

    private readonly object _cardGate = new();
    private CardSighting? _onReader;

    /// <summary>The latest look that found a card (read or unreadable) while it stays on the reader; null when none is known to be there.</summary>
    private CardSighting? OnReader
    {
        get
        {
            lock (_cardGate)
            {
                return _onReader;
            }
        }

        set
        {
            lock (_cardGate)
            {
                _onReader = value;
            }
        }
    }

    /// <summary>
    /// Turns reader sightings into card presentations, once per card on the reader (by number; an unreadable look while a
    /// card is on the reader is that card, so a card that reads only now and then is not decided twice). A reader fault
    /// is no card and no decision (the adapter raises <c>card_reader_fault</c>): what lies on the reader is then unknown.
    /// </summary>
    private async Task CardPumpAsync(ICardReader reader, DuplicateSuppressor suppressor, ChannelWriter<Presentation> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var sighting in reader.ReadAsync(cancellationToken))
            {
                switch (sighting.Kind)
                {
                    case CardReadKind.NoCard:
                        OnReader = null;
                        suppressor.Observe(sighting.At, null);
                        break;
                    case CardReadKind.ReaderFault:
                        OnReader = null;
                        break;
                    case CardReadKind.Read when sighting.Card is not null:
                    case CardReadKind.Unreadable:
                        OnReader = sighting;
                        var key = sighting.Card is { } card ? NumberKey(card) : suppressor.InView ?? UnreadableKey;
                        if (suppressor.Observe(sighting.At, key))
                        {
                            if (Phase == CheckpointPhase.Idle)
                            {
                                Phase = CheckpointPhase.CardSeen;
                            }

                            writer.TryWrite(Presentation.Of(new CardPresentation(sighting)));
                        }

                        break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The reader's own faults are its adapter's to report; whatever else ends the pump must not end the checkpoint.
            OnReader = null;
            LogCardPumpFailed(_logger, ex.GetType().Name);
        }
    }

    /// <summary>The same card is the same number (a lower-case check character read as upper case).</summary>
    private static string NumberKey(IdentityCard card) => card.Number.Trim().ToUpperInvariant();

    /// <summary>
    /// Rules 7a and 7b (document mode, rules 1-7 passed): asks for the holder's card and waits up to
    /// <c>Identity:CardTimeout</c> from that moment for a valid one (a card already on the reader counts; a card not
    /// valid counts as none). A code without <c>d</c>, a kiosk without docKey or without a reader refers at once.
    /// </summary>
    private async Task<Decision?> ConfirmHolderAsync(HealthCodeClaim claims, PresentationQueue queue, CancellationToken cancellationToken)
    {
        var trust = _trust?.Current ?? TrustList.Empty;
        DocRef? card = null;
        if (CheckpointPolicy.CardCanConfirm(claims.Document, trust.HasDocKey) && _cardReader is not null)
        {
            var timeout = _identity!.CurrentValue.CardTimeout;
            Phase = CheckpointPhase.WaitingForCard;
            Interlocked.Exchange(ref _stageAllowanceTicks, timeout.Ticks);
            _screen.Show(new VisitorPrompt(PromptKind.PlaceCard, _status.Line(_time.GetUtcNow()), claims.MaskedName, claims.Proxy));
            card = await AwaitValidCardAsync(trust, timeout, queue, cancellationToken);
        }

        return CheckpointPolicy.DecideIdentity(claims.Document, trust.HasDocKey, card);
    }

    /// <summary>The docRef of the first valid card within <paramref name="timeout"/>, or null. Codes shown meanwhile stay waiting.</summary>
    private async Task<DocRef?> AwaitValidCardAsync(TrustList trust, TimeSpan timeout, PresentationQueue queue, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (OnReader is { } onReader && ValidDocRef(onReader, trust) is { } already)
        {
            return already;
        }

        while (true)
        {
            foreach (var presented in queue.TakeCards())
            {
                if (ValidDocRef(presented.Sighting, trust) is { } docRef)
                {
                    return docRef;
                }
            }

            if (!await queue.WaitForMoreAsync(timeout - _time.GetElapsedTime(started), cancellationToken))
            {
                // Time is up, or the pumps stopped. A card that came in the same instant still counts.
                return queue.TakeCards().Select(p => ValidDocRef(p.Sighting, trust)).FirstOrDefault(d => d is not null);
            }
        }
    }

    /// <summary>The docRef of a card read whole that is valid (well-formed and in date when it was read); null otherwise.</summary>
    private static DocRef? ValidDocRef(CardSighting sighting, TrustList trust)
    {
        if (sighting is not { Kind: CardReadKind.Read, Card: { } card })
        {
            return null;
        }

        var check = Check(card, sighting.At);
        return check.Valid ? trust.DocRefOf(check.Number!) : null;
    }

    private static CardCheck Check(IdentityCard card, DateTimeOffset readAt) =>
        ResidentIdCard.Check(card.Number, card.Birth, card.LayoutFlag, card.ValidFrom, card.ValidTo, readAt);

    /// <summary>The card path C1-C7: a card on the reader, no code shown. Latency counts from when the reader found the card.</summary>
    private async Task<DecisionRecord> DecideCardAsync(CardPresentation presentation, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var settings = options.ToPolicySettings();
        Phase = CheckpointPhase.CardSeen;

        var now = _time.GetUtcNow();
        var sighting = presentation.Sighting;
        var trust = _trust?.Current ?? TrustList.Empty;
        var check = new CardCheck(false, false, null);
        DocRef? docRef = null;
        string? maskedName = null;
        if (sighting is { Kind: CardReadKind.Read, Card: { } card })
        {
            check = Check(card, sighting.At);
            maskedName = card.MaskedName;
            if (check.WellFormed)
            {
                docRef = trust.DocRefOf(check.Number!);
            }
        }

        var colorState = _colors.State;
        (HealthColor, long)? record = null;
        if (docRef is { } reference && _colors.TryLookupDocument(reference, out var color, out var colorTime))
        {
            record = (color, colorTime);
        }

        Phase = CheckpointPhase.ColorLookedUp;
        var decision = CheckpointPolicy.DecideCardBeforeTemperature(check, docRef, ClockFault(now, colorState, options), colorState.FreshnessAt(now), record, settings);
        TemperatureResult? temperature = null;
        if (decision is null)
        {
            temperature = await MeasureAsync(maskedName, proxy: false, cancellationToken);
            decision = CheckpointPolicy.DecideWithTemperature(temperature, settings);
        }

        return Conclude(new DecisionRecord(decision.Value, null, temperature, sighting.FoundAt, _time.GetUtcNow()) { Card = new CardPathCard(docRef, maskedName) });
    }

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Card reader pump stopped ({Error}); codes are still decided")]
    private static partial void LogCardPumpFailed(ILogger logger, string error);
}
