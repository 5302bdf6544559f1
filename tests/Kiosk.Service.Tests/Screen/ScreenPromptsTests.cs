using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Screen;
using Kiosk.Display;

namespace Kiosk.Service.Tests.Screen;

/// <summary>The checkpoint's prompts as the screen draws them: the table's words in each kind's look.</summary>
public sealed class ScreenPromptsTests
{
    private static readonly StatusLine Status = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), true, TimeSpan.FromMinutes(2), "kiosk-07");

    [Fact]
    public void EveryKindHasALookOfItsOwnAndEveryScreenItsName()
    {
        var looks = Enum.GetValues<PromptKind>().Select(ScreenLook.Of).ToList();
        Assert.Equal(looks.Count, looks.Select(l => l.Icon).Distinct().Count());
        Assert.Equal(looks.Count, looks.Distinct().Count());

        Assert.Equal(["idle", "measuring", "pass", "refer", "offline", "fault", "place_card", "assist", "aiming"], ScreenNames.All);
        Assert.Equal(PromptKind.PlaceCard, ScreenNames.Parse("place_card"));
        Assert.Null(ScreenNames.Parse("place-card")); // names are exact
        Assert.Null(ScreenNames.Parse(" PlaceCard "));
        Assert.Null(ScreenNames.Parse("green"));
    }

    [Fact]
    public void EveryPromptOfTheTableIsDrawnWithTheTablesWords()
    {
        var strip = ScreenPrompts.Strip(Status);
        foreach (var prompt in PromptTable.All.Where(p => p.Kind is not null))
        {
            var model = ScreenPrompts.ToModel(prompt, strip);

            // The screen's texts are the table's, nothing added, nothing left out.
            PromptText?[] expected = [prompt.Headline, prompt.Body, prompt.Hint];
            var drawn = model.Lines.Prepend(model.Headline).Select(l => new PromptText(l.Text.Zh, l.Text.En));
            Assert.Equal(expected.OfType<PromptText>(), drawn);
            Assert.Equal(ScreenLook.Of(prompt.Kind!.Value).Icon, model.Icon);
        }

        var assist = ScreenPrompts.ToModel(PromptTable.Assist, strip);
        Assert.Equal(new Bilingual("已通知工作人员", "Staff have been notified"), assist.Headline.Text);
    }

    [Fact]
    public void APromptKeepsTheStatusTheNameWhereItIsShownAndTheDetailWhereItIsShown()
    {
        var pass = ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Pass, Status, "王*明", Proxy: true));
        Assert.Equal(new StatusStrip(Status.At, true, "2 min", "kiosk-07"), pass.Status);
        Assert.Equal(("王*明", true), (pass.MaskedName, pass.Proxy));

        // The measuring screen does not show the name the prompt carries; only offline and fault show a detail.
        var measuring = ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Measuring, Status, "王*明", Proxy: true, Detail: "x"));
        Assert.Null(measuring.MaskedName);
        Assert.False(measuring.Proxy);
        Assert.Null(measuring.Detail);
        Assert.Equal("clock", ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Offline, Status, Detail: "clock")).Detail);
        Assert.Equal(ScreenLanguage.English, ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Idle, Status), ScreenLanguage.English).Language);

        // The idle screen with a reader offers the card.
        var idleCard = ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Idle, Status, OffersCard: true));
        Assert.Equal(PromptTable.IdleCard.Body!.Value.En, idleCard.Lines[0].Text.En);
    }

    [Fact]
    public void AReferSaysItsNeutralMessageAColorAndAFeverReadAlike()
    {
        string Says(Reason reason) => ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Refer, Status, Reason: reason)).Lines[0].Text.En;

        Assert.Equal(PromptTable.ReferFurtherCheck.Body!.Value.En, Says(Reason.HealthStatus));
        Assert.Equal(PromptTable.ReferFurtherCheck.Body!.Value.En, Says(Reason.TemperatureHigh));
        Assert.Equal(PromptTable.ReferCodeExpired.Body!.Value.En, Says(Reason.CodeExpired));
        Assert.Equal(PromptTable.ReferIdentityMismatch.Body!.Value.En, Says(Reason.IdentityMismatch));
        Assert.Equal(PromptTable.ReferSeeStaff.Body!.Value.En, Says(Reason.ClockFault));

        // A reason on a prompt that is not a refer is not shown.
        Assert.Equal(PromptTable.Pass, PromptTable.For(new VisitorPrompt(PromptKind.Pass, Status, Reason: Reason.HealthStatus)));
        Assert.Empty(ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Pass, Status, Reason: Reason.HealthStatus)).Lines);
    }
}
