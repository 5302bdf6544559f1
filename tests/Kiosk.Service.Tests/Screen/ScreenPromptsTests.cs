using Kiosk.Display;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Screen;

namespace Kiosk.Service.Tests.Screen;

/// <summary>The checkpoint's prompts as the screen draws them.</summary>
public sealed class ScreenPromptsTests
{
    private static readonly StatusLine Status = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero), true, TimeSpan.FromMinutes(2), "kiosk-07");

    [Fact]
    public void EveryPromptHasItsOwnScreenAndKeepsTheStatusNameAndCardOffer()
    {
        var screens = Enum.GetValues<PromptKind>().Select(ScreenPrompts.KindOf).ToList();
        Assert.Equal(screens.Count, screens.Distinct().Count());
        Assert.Equal(Enum.GetValues<ScreenKind>().Length, screens.Count);

        var model = ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Measuring, Status, "王*明", Proxy: true));
        Assert.Equal(ScreenKind.Measuring, model.Kind);
        Assert.Equal(new StatusStrip(Status.At, true, "2 min", "kiosk-07"), model.Status);
        Assert.Equal(("王*明", true), (model.MaskedName, model.Proxy));
        Assert.True(ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Idle, Status, OffersCard: true)).OffersCard);
        Assert.Equal("clock", ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Offline, Status, Detail: "clock")).Detail);
    }

    [Fact]
    public void AReferSaysItsNeutralMessageAColorAndAFeverReadAlike()
    {
        ReferMessage Refer(Reason reason) => ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Refer, Status, Reason: reason)).Refer;

        Assert.Equal(ReferMessage.FurtherCheck, Refer(Reason.HealthStatus));
        Assert.Equal(ReferMessage.FurtherCheck, Refer(Reason.TemperatureHigh));
        Assert.Equal(ReferMessage.CodeExpired, Refer(Reason.CodeExpired));
        Assert.Equal(ReferMessage.CardMismatch, Refer(Reason.IdentityMismatch));
        Assert.Equal(ReferMessage.SeeStaff, Refer(Reason.ClockFault));

        // A reason on a prompt that is not a refer is not shown.
        Assert.Equal(ReferMessage.SeeStaff, ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Pass, Status, Reason: Reason.HealthStatus)).Refer);
    }
}
