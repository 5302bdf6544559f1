using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Devices.Screen;
using Kiosk.Display;
using Kiosk.Display.Rendering;
using Kiosk.Display.Sinks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;

namespace Kiosk.Service.Tests.Screen;

/// <summary>
/// PASS, REFER and the waiting screens are told apart at a glance (luminance 3:1 and the icon, never a color), every
/// text reads (4.5:1), PASS shows the temperature measured and REFER never does, and the assist button shows
/// 已通知工作人员 for a few seconds.
/// </summary>
public sealed class SeenAtAGlanceTests
{
    private static readonly StatusLine Status = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.FromHours(8)), true, TimeSpan.FromMinutes(5), "kiosk-07");

    private static readonly PromptKind[] Waiting = [PromptKind.Idle, PromptKind.Measuring, PromptKind.PlaceCard];

    [Fact]
    public void PassReferAndTheWaitingScreensDifferByLuminanceAtLeastThreeToOneAndByIcon()
    {
        var pass = ScreenLook.Of(PromptKind.Pass);
        var refer = ScreenLook.Of(PromptKind.Refer);
        foreach (var kind in Waiting)
        {
            var waiting = ScreenLook.Of(kind);
            var toPass = Contrast.Ratio(Palette.Background(pass.Tone), Palette.Background(waiting.Tone));
            var toRefer = Contrast.Ratio(Palette.Background(refer.Tone), Palette.Background(waiting.Tone));
            Assert.True(toPass >= 3, $"PASS vs {kind}: {toPass:0.00}:1");
            Assert.True(toRefer >= 3, $"REFER vs {kind}: {toRefer:0.00}:1");
            Assert.NotEqual(pass.Icon, waiting.Icon);
            Assert.NotEqual(refer.Icon, waiting.Icon);
        }

        var passRefer = Contrast.Ratio(Palette.Background(pass.Tone), Palette.Background(refer.Tone));
        Assert.True(passRefer >= 3, $"PASS vs REFER: {passRefer:0.00}:1");
        Assert.NotEqual(pass.Icon, refer.Icon);
    }

    [Theory]
    [InlineData(800, 480)]
    [InlineData(800, 1280)]
    public void EveryTextHasAtLeastFourAndAHalfToOneAgainstItsBackgroundAndNoScreenShowsAHealthColor(int width, int height)
    {
        using var renderer = new ScreenRenderer(width, height);
        foreach (var language in Enum.GetValues<ScreenLanguage>())
        {
            foreach (var (name, model) in ScreenGallery.All(language))
            {
                var layout = renderer.Layout(model);
                foreach (var run in layout.Runs)
                {
                    var ratio = Contrast.Ratio(run.Color, run.Background);
                    Assert.True(ratio >= 4.5, $"{name}: '{run.Text}' has {ratio:0.00}:1");
                }

                var frame = renderer.Render(model);
                var (count, example) = Kiosk.Display.Tests.ImageCompare.CountHealthHues(frame);
                Assert.True(count == 0, $"{name} ({language}): {count} pixels with a health-color hue, e.g. {example}");
            }
        }
    }

    [Fact]
    public void PassShowsTheTemperatureMeasuredUnlessConfiguredOffAndReferNeverDoes()
    {
        var pass = ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Pass, Status, "王*明", TemperatureC: 36.64));
        var line = Assert.Single(pass.Lines);
        Assert.Equal(new Bilingual("36.6 °C 体温正常", "36.6 °C Temperature normal"), line.Text);
        Assert.True(KioskTypeface.HasGlyphs(line.Text.Zh + line.Text.En));

        Assert.Empty(ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Pass, Status, "王*明", TemperatureC: 36.6), showTemperature: false).Lines);
        var refer = ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Refer, Status, "王*明", Reason: Reason.TemperatureHigh, TemperatureC: 38.2));
        Assert.DoesNotContain(refer.Lines, l => l.Text.Zh.Contains("°C", StringComparison.Ordinal) || l.Text.En.Contains("38", StringComparison.Ordinal));
    }

    [Fact]
    public void APassDecisionCarriesTheRetestOrFirstReadingToTheScreen()
    {
        var screen = new LastScreen();
        var outputs = new VisitorOutputs(screen, new Deploy.SilentIndicators(), new Deploy.IdleStatus());
        var at = Status.At;
        outputs.ShowDecision(new DecisionRecord(new Decision(Outcome.Pass, Reason.Ok), VerifiedCode.NotACode, new TemperatureResult(37.4, 36.9, 22, false), at, at));
        Assert.Equal(36.9, screen.Last!.TemperatureC);
        outputs.ShowDecision(new DecisionRecord(new Decision(Outcome.Refer, Reason.TemperatureHigh), VerifiedCode.NotACode, new TemperatureResult(38.4, 38.3, 22, false), at, at));
        Assert.Null(screen.Last!.TemperatureC);
    }

    [Fact]
    public void CapturesLeaveTheTemperatureOut()
    {
        using var presenter = new ScreenPresenter(Options.Create(new DisplayOptions { FramebufferDevice = null, CapturesShowName = true }), [], Alerts(), NullLogger<ScreenPresenter>.Instance);
        presenter.Show(new VisitorPrompt(PromptKind.Pass, Status, "王*明", TemperatureC: 36.6));
        using var renderer = new ScreenRenderer(800, 480);
        Assert.Equal(renderer.RenderPng(ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Pass, Status, "王*明"))), presenter.CapturePng());
    }

    [Fact]
    public void TheAssistButtonShowsStaffHaveBeenNotifiedForAFewSecondsSaysItAndThenTheScreenReturns()
    {
        var time = new FakeTimeProvider(Status.At);
        var frames = new CountingSink();
        using var presenter = new ScreenPresenter(Options.Create(new DisplayOptions { FramebufferDevice = null, AssistNoticeSeconds = 5 }), [frames], Alerts(), NullLogger<ScreenPresenter>.Instance);
        var said = new List<string>();
        presenter.Shown += p => said.Add(PromptTable.For(p).Name);
        var idle = new VisitorPrompt(PromptKind.Idle, Status);
        presenter.Show(idle);

        presenter.ShowAssist(time);
        Assert.Equal(PromptKind.Assist, presenter.Current!.Kind);
        Assert.Equal(["idle", "assist"], said);
        var assist = ScreenPrompts.ToModel(presenter.Current);
        Assert.Equal(new Bilingual("已通知工作人员", "Staff have been notified"), assist.Headline.Text);

        // The idle refresh meanwhile does not cut the notice short; it is what comes back.
        presenter.Redraw(idle with { Status = Status with { Online = false } });
        Assert.Equal(PromptKind.Assist, presenter.Current!.Kind);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(PromptKind.Assist, presenter.Current!.Kind);
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(PromptKind.Idle, presenter.Current!.Kind);
        Assert.False(presenter.Current.Status.Online);
        Assert.Equal(["idle", "assist"], said);
        Assert.False(presenter.NoticeShown);
        Assert.Equal(3, frames.Frames);
    }

    [Fact]
    public void AVisitorArrivingDuringTheAssistNoticeEndsItAtOnce()
    {
        var time = new FakeTimeProvider(Status.At);
        using var presenter = new ScreenPresenter(Options.Create(new DisplayOptions { FramebufferDevice = null }), [], Alerts(), NullLogger<ScreenPresenter>.Instance);
        presenter.Show(new VisitorPrompt(PromptKind.Idle, Status));
        presenter.ShowAssist(time);
        presenter.Show(new VisitorPrompt(PromptKind.Measuring, Status, "王*明"));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(PromptKind.Measuring, presenter.Current!.Kind);
    }

    private static AlertCenter Alerts() => new(new FakeTimeProvider(), new InMemoryEventSequence(), [], NullLogger<AlertCenter>.Instance);

    private sealed class LastScreen : IScreen
    {
        public VisitorPrompt? Last { get; private set; }

        public void Show(VisitorPrompt prompt) => Last = prompt;
    }

    private sealed class CountingSink : IFrameSink
    {
        public int Frames { get; private set; }

        public string Name => "test:counting";

        public void Present(SKBitmap frame) => Frames++;

        public void Dispose()
        {
        }
    }
}
