using HealthCode.Formats;
using Kiosk.Service.Checkpoint;

namespace Kiosk.Service.Events;

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
        _counters.Count(record);
        foreach (var sink in _sinks)
        {
            sink.Publish(decisionEvent);
        }
    }

    public DecisionEvent Create(DecisionRecord record)
    {
        // The issuer is reported only when the signature was checked (valid, expired, not yet valid):
        // for an untrusted or malformed code it is text chosen by whoever made the QR.
        var signatureChecked = record.Code.Verdict is CodeVerdict.Valid or CodeVerdict.Expired or CodeVerdict.NotYetValid;
        var issuer = signatureChecked ? record.Code.Issuer : null;
        var codeRef = signatureChecked && issuer is not null && record.Code.Claims is { } claims ? _codeRef.Compute(issuer, claims.Id) : null;
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
            LatencyMs = Math.Round(record.Latency.TotalMilliseconds, 1),
        };
    }
}
