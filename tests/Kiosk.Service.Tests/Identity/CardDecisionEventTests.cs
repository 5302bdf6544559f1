using System.Security.Cryptography;
using System.Text;
using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Service.Tests.Screen;

namespace Kiosk.Service.Tests.Identity;

/// <summary>
/// Decision events of identity.md: <c>via</c> on every event (<c>code</c> for 7a and 7b), on the card path a null
/// issuer and the codeRef of mqtt.md over <c>card</c> ‖ 0x00 ‖ docRef (null without a docRef), latency from when the
/// reader found the card; telemetry counters by reason include the identity reasons.
/// </summary>
public sealed class CardDecisionEventTests
{
    private static readonly byte[] Secret = Encoding.ASCII.GetBytes("site-secret-for-tests-only-32byt");
    private static readonly DateTimeOffset At = new(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);
    private static readonly DocRef Card = DocRef.Compute(Enumerable.Repeat((byte)9, 32).ToArray(), "230102198001011236");

    private static (DecisionEventRecorder Recorder, RecordingEventSink Sink, DecisionCounters Counters) Recorder()
    {
        var sink = new RecordingEventSink();
        var counters = new DecisionCounters();
        return (new DecisionEventRecorder(new InMemoryEventSequence(), [sink], new CodeRefHasher(Secret), counters), sink, counters);
    }

    [Fact]
    public void CardPathHasViaCardNoIssuerTheCodeRefOfTheDocRefAndLatencyFromTheFind()
    {
        var (recorder, sink, _) = Recorder();
        recorder.Report(new DecisionRecord(Decision.Refer(Reason.NoRecord), null, null, At, At.AddMilliseconds(1024)) { Card = new CardPathCard(Card, "王*明") });

        var decision = Assert.Single(sink.Decisions);
        Assert.Equal(("refer", "no_record", "card", null, 1024.0), (decision.Outcome, decision.Reason, decision.Via, decision.Issuer, decision.LatencyMs));

        // mqtt.md: HMAC-SHA256 under the site secret, 16 hex characters, here over "card" 0x00 docRef.
        var message = Encoding.ASCII.GetBytes("card").Append((byte)0).Concat(Card.ToArray()).ToArray();
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Secret, message)[..8]), decision.CodeRef);

        var json = EventJson.Serialize(decision);
        Assert.Contains("\"via\":\"card\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("王", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Card.ToArray()), json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CardPathWithoutDocRefHasNoCodeRef()
    {
        var (recorder, sink, _) = Recorder();
        recorder.Report(new DecisionRecord(Decision.Refer(Reason.DocumentInvalid), null, null, At, At.AddSeconds(5)) { Card = new CardPathCard(null, null) });

        var decision = Assert.Single(sink.Decisions);
        Assert.Equal(("card", null, null), (decision.Via, decision.Issuer, decision.CodeRef));
    }

    [Fact]
    public void IdentityRulesAreCodeDecisionsWithTheCodesIssuerAndCodeRef()
    {
        var (recorder, sink, _) = Recorder();
        var code = new VerifiedCode(CodeVerdict.Valid, "CN-HL", new HealthCodeClaim(new CodeId(1, 2), HealthColor.Green, 1, "王*明", false, Card));
        recorder.Report(new DecisionRecord(Decision.Refer(Reason.IdentityMismatch), code, null, At, At.AddSeconds(3)));
        recorder.Report(new DecisionRecord(Decision.Refer(Reason.IdentityUnconfirmed), code, null, At, At.AddSeconds(15)));

        Assert.All(sink.Decisions, d => Assert.Equal(("code", "CN-HL"), (d.Via, d.Issuer)));
        Assert.Equal(new CodeRefHasher(Secret).Compute("CN-HL", new CodeId(1, 2)), sink.Decisions[0].CodeRef);
        Assert.Equal(["identity_mismatch", "identity_unconfirmed"], sink.Decisions.Select(d => d.Reason));
    }

    [Fact]
    public void TheSameIdAsCodeAndAsCardGivesDifferentCodeRefs()
    {
        var hasher = new CodeRefHasher(Secret);
        var bytes = Card.ToArray();
        Assert.NotEqual(hasher.Compute(Card), hasher.Compute("CN-HL", CodeId.FromBytes(bytes)));
        Assert.Equal(hasher.Compute(Card), hasher.Compute(CodeRefHasher.CardDomain, CodeId.FromBytes(bytes)));
    }

    [Fact]
    public void TelemetryCountersByReasonCountTheIdentityReasons()
    {
        var (recorder, _, counters) = Recorder();
        foreach (var reason in new[] { Reason.IdentityUnconfirmed, Reason.IdentityMismatch, Reason.DocumentInvalid, Reason.DocumentExpired, Reason.NoRecord, Reason.NoRecord })
        {
            var card = reason is Reason.DocumentInvalid or Reason.DocumentExpired or Reason.NoRecord;
            recorder.Report(new DecisionRecord(Decision.Refer(reason), card ? null : VerifiedCode.NotACode, null, At, At) { Card = card ? new CardPathCard(null, null) : null });
        }

        var (byOutcome, byReason, _) = counters.Snapshot();
        Assert.Equal(6, byOutcome["refer"]);
        Assert.Equal(1, byReason["identity_unconfirmed"]);
        Assert.Equal(1, byReason["identity_mismatch"]);
        Assert.Equal(1, byReason["document_invalid"]);
        Assert.Equal(1, byReason["document_expired"]);
        Assert.Equal(2, byReason["no_record"]);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    public void TheIdleScreenOffersTheCardWhenAReaderIsConfiguredAndNotFaulty(bool reader, bool faulty, bool offered)
    {
        var alerts = new Kiosk.Service.Tests.Temperature.RecordingAlerts();
        if (faulty)
        {
            alerts.Raise(AlertKinds.CardReaderFault, "simulated SAM module: no answer");
        }

        var status = new KioskStatus(
            alerts,
            new Kiosk.Service.Tests.Deploy.InSyncColorStore(At),
            new Connectivity(),
            new Kiosk.Service.Tests.Deploy.FixedOptionsMonitor<CheckpointOptions>(new CheckpointOptions()),
            new KioskOptions().KioskId,
            hasCardReader: reader);

        var idle = status.IdlePrompt(At.AddMinutes(1));
        Assert.Equal(PromptKind.Idle, idle.Kind);
        Assert.Equal(offered, idle.OffersCard);
    }
}
