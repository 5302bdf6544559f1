using HealthCode.Formats;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Core.Events;

/// <summary>
/// Turns a decision into the <c>event/decision</c> object of mqtt.md and hands it to every sink.
/// Only what the spec allows leaves: outcome, reason, temperature, issuer of a signature-checked code, codeRef.
/// </summary>
public sealed class DecisionEventRecorder : IDecisionReporter
{
    private readonly IEventSequence _sequence;
    private readonly IEnumerable<IEventSink> _sinks;
    private readonly CodeRefHasher _codeRef;
    private readonly DecisionCounters _counters;

    public DecisionEventRecorder(IEventSequence sequence, IEnumerable<IEventSink> sinks, CodeRefHasher codeRef, DecisionCounters counters)
    {
        _sequence = sequence;
        _sinks = sinks;
        _codeRef = codeRef;
        _counters = counters;
    }

    public void Report(DecisionRecord record)
    {
        var decisionEvent = Create(record);
        _counters.Count(record, decisionEvent.Seq);
        foreach (var sink in _sinks)
        {
            sink.Publish(decisionEvent);
        }
    }

    public DecisionEvent Create(DecisionRecord record)
    {
        // The issuer is reported only when the signature was checked (valid, expired, not yet valid):
        // for an untrusted or malformed code it is text chosen by whoever made the QR. A card has no issuer; its
        // codeRef is the HMAC of its docRef (none when the kiosk has no docKey or the card was not well-formed).
        string? issuer = null;
        string? codeRef = null;
        if (record.Code is { } code)
        {
            var signatureChecked = code.Verdict is CodeVerdict.Valid or CodeVerdict.Expired or CodeVerdict.NotYetValid;
            issuer = signatureChecked ? code.Issuer : null;
            codeRef = signatureChecked && issuer is not null && code.Claims is { } claims ? _codeRef.Compute(issuer, claims.Id) : null;
        }
        else if (record.Card?.DocRef is { } docRef)
        {
            codeRef = _codeRef.Compute(docRef);
        }

        return new DecisionEvent
        {
            EventId = Guid.CreateVersion7(record.DecidedAt),
            Seq = _sequence.Next(),
            At = record.DecidedAt,
            Outcome = PolicyNames.Of(record.Decision.Outcome),
            Reason = PolicyNames.Of(record.Decision.Reason),
            TemperatureC = record.ReportedTemperatureC,
            Issuer = issuer,
            CodeRef = codeRef,
            Via = PolicyNames.Of(record.Via),
            LatencyMs = Math.Round(record.Latency.TotalMilliseconds, 1),
        };
    }
}
