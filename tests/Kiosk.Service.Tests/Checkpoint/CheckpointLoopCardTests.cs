using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Identity;

using static Kiosk.Service.Tests.Checkpoint.CardLoopHarness;

namespace Kiosk.Service.Tests.Checkpoint;

/// <summary>
/// identity.md at the checkpoint loop, exact to the virtual tick: document mode (rules 7a, 7b, the card wait), the card
/// path, "Which comes first" (one presentation at a time, code before card, a card during a code belongs to it, a code
/// during a card waits, a new card ends a result hold), the same card held, and reader faults.
/// </summary>
public sealed class CheckpointLoopCardTests
{
    private static CardLoopHarness Document()
    {
        var harness = new CardLoopHarness();
        harness.Identity.Mode = IdentityMode.Document;
        return harness;
    }

    [Fact]
    public void DocumentHoldersCardAfterThePromptPassesViaCodeWithLatencyFromTheCode()
    {
        var kiosk = Document();
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(async () =>
        {
            kiosk.Show(code);
            await kiosk.At(3);
            kiosk.Reader.Place(Holder);
            await kiosk.DecisionsAsync(1);
        });

        var record = Assert.Single(kiosk.Decisions);
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), record.Decision);
        Assert.Equal(DecisionVia.Code, record.Via);
        Assert.Equal(Start, record.SeenAt);
        Assert.Contains(kiosk.Screens, s => s.Prompt.Kind == PromptKind.PlaceCard && s.At == 0 && s.Prompt.MaskedName == "王*明");
    }

    [Fact]
    public void DocumentCodeAndCardShownTogetherTheCodeIsDecidedAndTheCardOnTheReaderCounts()
    {
        var kiosk = Document();
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder);
            kiosk.Show(code);
            await kiosk.DecisionsAsync(1);
            await kiosk.At(20);
        });

        var record = Assert.Single(kiosk.Decisions);
        Assert.Equal(Reason.Ok, record.Decision.Reason);
        Assert.Equal(DecisionVia.Code, record.Via);
    }

    [Fact]
    public void DocumentAnotherPersonsCardIsAMismatch()
    {
        var kiosk = Document();
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(async () =>
        {
            kiosk.Show(code);
            await kiosk.At(2);
            kiosk.Reader.Place(Other);
            await kiosk.DecisionsAsync(1);
        });

        var record = Assert.Single(kiosk.Decisions);
        Assert.Equal(Decision.Refer(Reason.IdentityMismatch), record.Decision);
        Assert.Equal(DecisionVia.Code, record.Via);
        Assert.Null(record.Temperature);
        Assert.Contains(kiosk.Screens, s => s.Says == PromptTable.ReferIdentityMismatch);
    }

    [Fact]
    public void DocumentNoCardRefersUnconfirmedExactlyAtTheCardTimeoutCountedFromThePrompt()
    {
        var kiosk = Document();
        kiosk.Identity.CardTimeout = TimeSpan.FromSeconds(15);
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(async () =>
        {
            kiosk.Show(code);
            await kiosk.DecisionsAsync(1);
        });

        var record = Assert.Single(kiosk.Decisions);
        Assert.Equal(Decision.Refer(Reason.IdentityUnconfirmed), record.Decision);
        var prompt = Assert.Single(kiosk.Screens, s => s.Prompt.Kind == PromptKind.PlaceCard);
        Assert.Equal(Start.AddSeconds(prompt.At + 15), record.DecidedAt);
    }

    [Fact]
    public void DocumentCardJustInsideTheTimeoutCountsJustAfterItDoesNot()
    {
        var inside = Document();
        inside.Identity.CardTimeout = TimeSpan.FromSeconds(5);
        var code = inside.Code("HCN1:holder", Holder);
        inside.Run(async () =>
        {
            inside.Show(code);
            await inside.At(5 - 0.9 - 0.25); // placed, found at the next poll, read 0.9 s later: at 5 s or before
            inside.Reader.Place(Holder);
            await inside.DecisionsAsync(1);
        });
        Assert.Equal(Reason.Ok, Assert.Single(inside.Decisions).Decision.Reason);

        var late = Document();
        late.Identity.CardTimeout = TimeSpan.FromSeconds(5);
        late.Code("HCN1:holder", Holder);
        late.Run(async () =>
        {
            late.Show("HCN1:holder");
            await late.At(4.5);
            late.Reader.Place(Holder);
            await late.DecisionsAsync(1);
        });
        Assert.Equal(Reason.IdentityUnconfirmed, late.Decisions[0].Decision.Reason);
    }

    [Fact]
    public void DocumentCodeWithoutDocumentRefersAtOnceWithoutAskingForTheCard()
    {
        var kiosk = Document();
        var code = kiosk.Code("HCN1:no-d", holder: null);
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder);
            kiosk.Show(code);
            await kiosk.DecisionsAsync(1);
        });

        var record = Assert.Single(kiosk.Decisions);
        Assert.Equal(Decision.Refer(Reason.IdentityUnconfirmed), record.Decision);
        Assert.Equal(Start, record.DecidedAt);
        Assert.DoesNotContain(kiosk.Screens, s => s.Prompt.Kind == PromptKind.PlaceCard);
    }

    [Fact]
    public void DocumentKioskWithoutDocKeyRefersAtOnce()
    {
        var kiosk = Document();
        kiosk.Trust = new TrustList([]);
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(async () =>
        {
            kiosk.Show(code);
            await kiosk.DecisionsAsync(1);
        });

        Assert.Equal(Decision.Refer(Reason.IdentityUnconfirmed), Assert.Single(kiosk.Decisions).Decision);
        Assert.Equal(Start, kiosk.Decisions[0].DecidedAt);
    }

    [Fact]
    public void DocumentKioskWithoutReaderRefersAtOnce()
    {
        var kiosk = Document();
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(
            async () =>
            {
                kiosk.Show(code);
                await kiosk.DecisionsAsync(1);
            },
            withReader: false);

        Assert.Equal(Decision.Refer(Reason.IdentityUnconfirmed), Assert.Single(kiosk.Decisions).Decision);
        Assert.Equal(Start, kiosk.Decisions[0].DecidedAt);
    }

    [Fact]
    public void DocumentRulesOneToSevenComeFirstANotGreenCodeIsNeverAskedForACard()
    {
        var kiosk = Document();
        var code = kiosk.Code("HCN1:red", Holder, HealthColor.Red);
        kiosk.Run(async () =>
        {
            kiosk.Show(code);
            await kiosk.DecisionsAsync(1);
        });

        Assert.Equal(Reason.HealthStatus, Assert.Single(kiosk.Decisions).Decision.Reason);
        Assert.DoesNotContain(kiosk.Screens, s => s.Prompt.Kind == PromptKind.PlaceCard);
    }

    [Fact]
    public void DocumentAnInvalidCardCountsAsNoneAValidOneWithinTheTimeoutStillPasses()
    {
        var kiosk = Document();
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(async () =>
        {
            kiosk.Show(code);
            await kiosk.At(1);
            kiosk.Reader.Place(Holder with { ValidTo = "20250101" });
            await kiosk.At(4);
            kiosk.Reader.Remove();
            await kiosk.At(6);
            kiosk.Reader.Place(Holder);
            await kiosk.DecisionsAsync(1);
            await kiosk.At(20);
        });

        var record = Assert.Single(kiosk.Decisions);
        Assert.Equal(Reason.Ok, record.Decision.Reason);
        Assert.True(record.DecidedAt > Start.AddSeconds(6));
    }

    [Fact]
    public void DocumentOnlyAnInvalidCardIsUnconfirmedAtTheTimeoutNotACardPath()
    {
        var kiosk = Document();
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(async () =>
        {
            kiosk.Show(code);
            kiosk.Reader.Place(Holder with { Number = Holder.Number[..17] + (Holder.Number[17] == '0' ? '1' : '0') });
            await kiosk.DecisionsAsync(1);
            await kiosk.At(30);
        });

        Assert.Equal(["identity_unconfirmed"], kiosk.Reasons);
    }

    [Fact]
    public void NoneCardPathGreenRecordPassesViaCardWithLatencyFromWhenTheReaderFoundIt()
    {
        var kiosk = new CardLoopHarness();
        kiosk.Record(Holder);
        kiosk.Run(async () =>
        {
            await kiosk.At(1);
            kiosk.Reader.Place(Holder);
            await kiosk.DecisionsAsync(1);
        });

        var record = Assert.Single(kiosk.Decisions);
        Assert.Equal(new Decision(Outcome.Pass, Reason.Ok), record.Decision);
        Assert.Equal(DecisionVia.Card, record.Via);
        Assert.Null(record.Code);
        Assert.Equal(DocRefOf(Holder), record.Card!.DocRef);
        Assert.Equal("王*明", record.Card.MaskedName);
        Assert.InRange(record.SeenAt, Start.AddSeconds(1), Start.AddSeconds(1.25)); // the next poll found it
        Assert.Equal(TimeSpan.FromMilliseconds(900 + 1000), record.Latency); // the read, then the thermometer
        Assert.Contains(kiosk.Screens, s => s.Prompt.Kind == PromptKind.Pass && s.Prompt.MaskedName == "王*明");
    }

    [Theory]
    [InlineData("no_record", false, HealthColor.Green, "20400101", ' ')]
    [InlineData("health_status", true, HealthColor.Yellow, "20400101", ' ')]
    [InlineData("document_expired", true, HealthColor.Green, "20261124", ' ')]
    [InlineData("ok", true, HealthColor.Green, "20261125", ' ')]
    [InlineData("document_invalid", true, HealthColor.Green, "20400101", 'J')]
    public void CardPathDecidesEachRule(string expected, bool record, HealthColor color, string validTo, char flag)
    {
        var kiosk = new CardLoopHarness();
        var card = Holder with { ValidTo = validTo, LayoutFlag = flag };
        if (record)
        {
            kiosk.Record(card, color);
        }

        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(card);
            await kiosk.DecisionsAsync(1);
        });

        Assert.Equal([expected], kiosk.Reasons);
        Assert.Equal(DecisionVia.Card, kiosk.Decisions[0].Via);
    }

    [Fact]
    public void CardPathNoDocKeyIsDocumentInvalidWithoutADocRef()
    {
        var kiosk = new CardLoopHarness { Trust = new TrustList([]) };
        kiosk.Record(Holder);
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder);
            await kiosk.DecisionsAsync(1);
        });

        Assert.Equal(["document_invalid"], kiosk.Reasons);
        Assert.Null(kiosk.Decisions[0].Card!.DocRef);
    }

    [Fact]
    public void CardPathStaleDataOnTheOfflineScreenIsColorDataStale()
    {
        var kiosk = new CardLoopHarness { InSyncAsOf = Start.AddDays(-2) };
        kiosk.Record(Holder);
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder);
            await kiosk.DecisionsAsync(1);
        });

        Assert.Equal(["color_data_stale"], kiosk.Reasons);
    }

    [Fact]
    public void CardPathUnreadableCardIsDocumentInvalidOnce()
    {
        var kiosk = new CardLoopHarness();
        kiosk.Reader.Unreadable = true;
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder);
            await kiosk.At(30);
        });

        Assert.Equal(["document_invalid"], kiosk.Reasons);
        Assert.Null(kiosk.Decisions[0].Card!.MaskedName);
    }

    [Fact]
    public void SameCardHeldIsDecidedOnceAgainAfterItWasAwayForGoneAfter()
    {
        var kiosk = new CardLoopHarness();
        kiosk.Record(Holder);
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder);
            await kiosk.At(30);
            kiosk.Reader.Remove();
            await kiosk.At(30.5);
            kiosk.Reader.Place(Holder); // away half a second: the same presentation
            await kiosk.At(40);
            kiosk.Reader.Remove();
            await kiosk.At(42);
            kiosk.Reader.Place(Holder); // away two seconds: decided again
            await kiosk.At(60);
        });

        Assert.Equal(["ok", "ok"], kiosk.Reasons);
        Assert.True(kiosk.Decisions[1].SeenAt >= Start.AddSeconds(42));
    }

    [Fact]
    public void ANewCardEndsAReferHoldAsANewCodeDoes()
    {
        var kiosk = new CardLoopHarness();
        kiosk.Checkpoint.ReferHold = TimeSpan.FromSeconds(8);
        kiosk.Record(Other);
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder); // no record: REFER, held 8 s
            await kiosk.DecisionsAsync(1);
            kiosk.Reader.Remove();
            await kiosk.At(3);
            kiosk.Reader.Place(Other);
            await kiosk.DecisionsAsync(2);
        });

        Assert.Equal(["no_record", "ok"], kiosk.Reasons);
        Assert.True(kiosk.Decisions[1].DecidedAt < kiosk.Decisions[0].DecidedAt + kiosk.Checkpoint.ReferHold, "the second card did not wait out the first one's hold");
        Assert.DoesNotContain(kiosk.Screens, s => s.Prompt.Kind == PromptKind.Idle && s.At > 0 && s.At < 3.5);
    }

    [Fact]
    public void ACardReadWhileACodeIsDecidedBelongsToItAndStartsNoCardPathWhileItStays()
    {
        var kiosk = new CardLoopHarness();
        kiosk.Record(Holder);
        var code = kiosk.Code("HCN1:green", Holder);
        kiosk.Reader.ReadTime = TimeSpan.FromMilliseconds(300);
        kiosk.Run(async () =>
        {
            kiosk.Show(code); // measured for a second
            await kiosk.At(0.1);
            kiosk.Reader.Place(Holder); // found at 0.25, read at 0.55: while the code is decided
            await kiosk.DecisionsAsync(1);
            kiosk.Hide();
            await kiosk.At(20); // the card stays: no card path
            kiosk.Reader.Remove();
            await kiosk.At(22);
            kiosk.Reader.Place(Holder); // placed anew: the card path
            await kiosk.DecisionsAsync(2);
        });

        Assert.Equal([DecisionVia.Code, DecisionVia.Card], kiosk.Decisions.Select(d => d.Via));
        Assert.True(kiosk.Decisions[1].SeenAt >= Start.AddSeconds(22));
    }

    [Fact]
    public void ACodeShownWhileACardIsDecidedWaitsUntilThatDecisionIsShown()
    {
        var kiosk = new CardLoopHarness();
        kiosk.Checkpoint.PassHold = TimeSpan.FromSeconds(3);
        kiosk.Record(Holder);
        var code = kiosk.Code("HCN1:other", holder: null);
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder); // found at 0.25, read at 1.15, measured until 2.15
            await kiosk.At(1.5);
            kiosk.Show(code);
            await kiosk.DecisionsAsync(2);
        });

        Assert.Equal([DecisionVia.Card, DecisionVia.Code], kiosk.Decisions.Select(d => d.Via));
        Assert.Equal(Start + TimeSpan.FromMilliseconds(2150), kiosk.Decisions[0].DecidedAt);

        // The card's PASS was shown and held; then the code (seen at 1.5) was decided.
        Assert.True(kiosk.Decisions[1].DecidedAt >= kiosk.Decisions[0].DecidedAt + kiosk.Checkpoint.PassHold);
        Assert.Equal(Start.AddSeconds(1.5), kiosk.Decisions[1].SeenAt);
    }

    [Fact]
    public void ACardInAPassHoldIsDecidedAfterTheHold()
    {
        var kiosk = new CardLoopHarness();
        kiosk.Checkpoint.PassHold = TimeSpan.FromSeconds(3);
        kiosk.Record(Other);
        var code = kiosk.Code("HCN1:green", holder: null);
        kiosk.Run(async () =>
        {
            kiosk.Show(code); // PASS at 1 s, held until 4 s
            await kiosk.At(1.5);
            kiosk.Hide();
            kiosk.Reader.Place(Other);
            await kiosk.DecisionsAsync(2);
        });

        Assert.Equal(["ok", "ok"], kiosk.Reasons);
        Assert.Equal(DecisionVia.Card, kiosk.Decisions[1].Via);
        Assert.True(kiosk.Decisions[1].DecidedAt >= Start.AddSeconds(4));
    }

    [Fact]
    public void ReaderFaultMakesNoDecisionAndCodesAreStillDecided()
    {
        var kiosk = new CardLoopHarness();
        kiosk.Reader.Faulty = true;
        kiosk.Record(Holder);
        var code = kiosk.Code("HCN1:green", holder: null);
        kiosk.Run(async () =>
        {
            kiosk.Reader.Place(Holder);
            await kiosk.At(5);
            kiosk.Show(code);
            await kiosk.DecisionsAsync(1);
            await kiosk.At(20);
        });

        Assert.Equal([DecisionVia.Code], kiosk.Decisions.Select(d => d.Via));
        Assert.Equal(Reason.Ok, kiosk.Decisions[0].Decision.Reason);
    }

    [Fact]
    public void ModeChangesAtRunTimeTakeEffectWithTheNextCode()
    {
        var kiosk = new CardLoopHarness();
        var code = kiosk.Code("HCN1:holder", Holder);
        kiosk.Run(async () =>
        {
            kiosk.Show(code);
            await kiosk.DecisionsAsync(1);
            kiosk.Hide();
            await kiosk.At(10);
            kiosk.Identity.Mode = IdentityMode.Document;
            kiosk.Identity.CardTimeout = TimeSpan.FromSeconds(2);
            kiosk.Show(code);
            await kiosk.DecisionsAsync(2);
        });

        Assert.Equal(["ok", "identity_unconfirmed"], kiosk.Reasons);
        Assert.Equal(TimeSpan.FromSeconds(2), kiosk.Decisions[1].Latency);
    }

    [Fact]
    public void MaskedNamesFollowTheIssuersRule()
    {
        Assert.Equal("*", IdentityCard.MaskName("王"));
        Assert.Equal("王*", IdentityCard.MaskName("王伟           "));
        Assert.Equal("王*明", IdentityCard.MaskName("王小明"));
        Assert.Equal("欧**明", IdentityCard.MaskName("欧阳小明"));
        Assert.Equal("\U00020BB7*明", IdentityCard.MaskName("\U00020BB7小明")); // a character outside the BMP is one character
        Assert.Equal(string.Empty, IdentityCard.MaskName("   "));
    }
}
