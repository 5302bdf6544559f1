using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Service.Tests.Checkpoint;

/// <summary>Every rule and boundary identity.md adds to the policy: 7a and 7b (document mode) and the card path C1-C7.</summary>
public sealed class IdentityPolicyTests
{
    private static readonly PolicySettings Defaults = new();
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(5);
    private static readonly byte[] DocKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DocRef Holder = DocRef.Compute(DocKey, "230102198001011236");
    private static readonly DocRef Other = DocRef.Compute(DocKey, "230103199909095055");
    private static readonly CardCheck Valid = new(WellFormed: true, InDate: true, "230102198001011236");

    private static Decision? Card(CardCheck card, DocRef? docRef = null, bool noDocKey = false, bool clockFault = false, TimeSpan? age = null, (HealthColor, long)? record = null, bool neverSynced = false) =>
        CheckpointPolicy.DecideCardBeforeTemperature(card, noDocKey || !card.WellFormed ? null : docRef ?? Holder, clockFault, neverSynced ? null : age ?? Fresh, record, Defaults);

    private static Decision CardThrough(CardCheck card, (HealthColor, long)? record, TemperatureResult temperature) =>
        Card(card, record: record) ?? CheckpointPolicy.DecideWithTemperature(temperature, Defaults);

    [Fact]
    public void Rule7aCodeWithoutDocumentIsUnconfirmedEvenWithAMatchingCard()
    {
        Assert.Equal(Decision.Refer(Reason.IdentityUnconfirmed), CheckpointPolicy.DecideIdentity(null, hasDocKey: true, Holder));
        Assert.False(CheckpointPolicy.CardCanConfirm(null, hasDocKey: true));
    }

    [Fact]
    public void Rule7aKioskWithoutDocKeyIsUnconfirmed()
    {
        Assert.Equal(Decision.Refer(Reason.IdentityUnconfirmed), CheckpointPolicy.DecideIdentity(Holder, hasDocKey: false, Holder));
        Assert.False(CheckpointPolicy.CardCanConfirm(Holder, hasDocKey: false));
    }

    [Fact]
    public void Rule7aNoValidCardWithinTheTimeoutIsUnconfirmed()
    {
        Assert.True(CheckpointPolicy.CardCanConfirm(Holder, hasDocKey: true));
        Assert.Equal(Decision.Refer(Reason.IdentityUnconfirmed), CheckpointPolicy.DecideIdentity(Holder, hasDocKey: true, validCard: null));
    }

    [Fact]
    public void Rule7bAnotherPersonsCardIsAMismatch() =>
        Assert.Equal(Decision.Refer(Reason.IdentityMismatch), CheckpointPolicy.DecideIdentity(Holder, hasDocKey: true, Other));

    [Fact]
    public void Rules7aAnd7bHoldersCardLeavesTheDecisionToTheTemperature() =>
        Assert.Null(CheckpointPolicy.DecideIdentity(Holder, hasDocKey: true, DocRef.Compute(DocKey, "230102198001011236")));

    [Fact]
    public void Rule7aComesBefore7bWhenTheCodeHasNoDocument() =>
        Assert.Equal(Decision.Refer(Reason.IdentityUnconfirmed), CheckpointPolicy.DecideIdentity(null, hasDocKey: true, Other));

    [Fact]
    public void C1NotWellFormedIsInvalidBeforeEveryOtherRule() =>
        Assert.Equal(Decision.Refer(Reason.DocumentInvalid), Card(new CardCheck(false, false, null), clockFault: true, neverSynced: true));

    [Fact]
    public void C1NotWellFormedIsInvalidEvenWithADocRef() =>
        Assert.Equal(Decision.Refer(Reason.DocumentInvalid), CheckpointPolicy.DecideCardBeforeTemperature(new CardCheck(false, true, null), Holder, false, Fresh, (HealthColor.Green, 1), Defaults));

    [Fact]
    public void C1NoDocKeyIsInvalidEvenForAWellFormedCardInDate() =>
        Assert.Equal(Decision.Refer(Reason.DocumentInvalid), Card(Valid, noDocKey: true, record: (HealthColor.Green, 1)));

    [Fact]
    public void C2ClockFaultComesBeforeExpiry() =>
        Assert.Equal(Decision.Refer(Reason.ClockFault), Card(Valid with { InDate = false }, clockFault: true));

    [Fact]
    public void C3NotInDateIsExpiredBeforeStaleData() =>
        Assert.Equal(Decision.Refer(Reason.DocumentExpired), Card(Valid with { InDate = false }, neverSynced: true));

    [Fact]
    public void C4NeverSyncedIsStale() => Assert.Equal(Decision.Refer(Reason.ColorDataStale), Card(Valid, record: (HealthColor.Green, 1), neverSynced: true));

    [Fact]
    public void C4BoundaryExactlyMaxAgeIsFreshOneTickMoreIsStale()
    {
        Assert.Null(Card(Valid, age: Defaults.MaxColorDataAge, record: (HealthColor.Green, 1)));
        Assert.Equal(Decision.Refer(Reason.ColorDataStale), Card(Valid, age: Defaults.MaxColorDataAge + TimeSpan.FromTicks(1), record: (HealthColor.Green, 1)));
    }

    [Fact]
    public void C4StaleComesBeforeNoRecord() => Assert.Equal(Decision.Refer(Reason.ColorDataStale), Card(Valid, age: TimeSpan.FromDays(2)));

    [Fact]
    public void C5NoDocumentRecordIsNoRecord() => Assert.Equal(Decision.Refer(Reason.NoRecord), Card(Valid));

    [Theory]
    [InlineData(HealthColor.Yellow)]
    [InlineData(HealthColor.Red)]
    public void C6RecordNotGreenIsHealthStatus(HealthColor color) =>
        Assert.Equal(Decision.Refer(Reason.HealthStatus), Card(Valid, record: (color, 1)));

    [Fact]
    public void C7GreenRecordGoesToTheTemperatureRules()
    {
        Assert.Null(Card(Valid, record: (HealthColor.Green, 1)));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), CardThrough(Valid, (HealthColor.Green, 1), new TemperatureResult(36.6, null, 22, false)));
        Assert.Equal(Decision.Refer(Reason.TemperatureUnavailable), CardThrough(Valid, (HealthColor.Green, 1), TemperatureResult.Unavailable));
        Assert.Equal(Decision.Refer(Reason.TemperatureHigh), CardThrough(Valid, (HealthColor.Green, 1), new TemperatureResult(37.3, 37.3, 22, false)));
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), CardThrough(Valid, (HealthColor.Green, 1), new TemperatureResult(37.8, 37.2, 22, false)));
    }

    [Fact]
    public void WireNamesOfTheNewReasonsAndOfVia()
    {
        Assert.Equal("identity_unconfirmed", PolicyNames.Of(Reason.IdentityUnconfirmed));
        Assert.Equal("identity_mismatch", PolicyNames.Of(Reason.IdentityMismatch));
        Assert.Equal("document_invalid", PolicyNames.Of(Reason.DocumentInvalid));
        Assert.Equal("document_expired", PolicyNames.Of(Reason.DocumentExpired));
        Assert.Equal("no_record", PolicyNames.Of(Reason.NoRecord));
        Assert.Equal("code", PolicyNames.Of(DecisionVia.Code));
        Assert.Equal("card", PolicyNames.Of(DecisionVia.Card));
    }
}
