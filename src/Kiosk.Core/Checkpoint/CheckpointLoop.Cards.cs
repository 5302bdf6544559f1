using HealthCode.Formats;
using HealthCode.Formats.Identity;

namespace Kiosk.Core.Checkpoint;

// The ID card side of the checkpoint (identity.md): the card path C1-C7, and the holder's card that confirms a code in
// document mode (rules 7a, 7b). The card pump is the PresentationPumps'.
public sealed partial class CheckpointLoop
{
    /// <summary>
    /// Rules 7a and 7b (document mode, rules 1-7 passed): asks for the holder's card and waits up to
    /// <c>Identity:CardTimeout</c> from that moment for a valid one (a card already on the reader counts; a card not
    /// valid counts as none). A code without <c>d</c>, a kiosk without docKey or without a reader refers at once.
    /// </summary>
    private async Task<Decision?> ConfirmHolderAsync(HealthCodeClaim claims, PresentationQueue queue, CancellationToken cancellationToken)
    {
        var trust = _trust?.Current ?? TrustList.Empty;
        DocRef? card = null;
        if (CheckpointPolicy.CardCanConfirm(claims.Document, trust.HasDocKey) && _pumps.HasCardReader)
        {
            var timeout = _identity!.CurrentValue.CardTimeout;
            Phase = CheckpointPhase.WaitingForCard;
            Interlocked.Exchange(ref _stageAllowanceTicks, timeout.Ticks);
            _outputs.ShowPlaceCard(_time.GetUtcNow(), claims.MaskedName, claims.Proxy);
            card = await AwaitValidCardAsync(trust, timeout, queue, cancellationToken);
        }

        return CheckpointPolicy.DecideIdentity(claims.Document, trust.HasDocKey, card);
    }

    /// <summary>The docRef of the first valid card within <paramref name="timeout"/>, or null. Codes shown meanwhile stay waiting.</summary>
    private async Task<DocRef?> AwaitValidCardAsync(TrustList trust, TimeSpan timeout, PresentationQueue queue, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (_pumps.OnReader is { } onReader && ValidDocRef(onReader, trust) is { } already)
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
}
