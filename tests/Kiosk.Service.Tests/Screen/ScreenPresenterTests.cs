using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Devices.Screen;
using Kiosk.Display;
using Kiosk.Display.Sinks;
using Kiosk.Display.Sinks.Framebuffer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;

namespace Kiosk.Service.Tests.Screen;

public sealed class ScreenPresenterTests : IDisposable
{
    private static readonly StatusLine Status = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.FromHours(8)), true, TimeSpan.FromMinutes(5), "kiosk-07");
    private readonly string _dir = Directory.CreateTempSubdirectory("kiosk-screen-").FullName;
    private readonly RecordingEventSink _events = new();
    private readonly AlertCenter _alerts;

    public ScreenPresenterTests()
    {
        _alerts = new AlertCenter(new FakeTimeProvider(), new InMemoryEventSequence(), [_events], NullLogger<AlertCenter>.Instance);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A panel whose cable can be pulled: throws while broken, counts frames otherwise.</summary>
    private sealed class FlakySink : IFrameSink
    {
        public bool Broken { get; set; }

        public int Frames { get; private set; }

        public string Name => "test:flaky";

        public void Present(SKBitmap frame)
        {
            if (Broken)
            {
                throw new IOException("panel not responding");
            }

            Assert.Equal(800, frame.Width);
            Frames++;
        }

        public void Dispose()
        {
        }
    }

    private ScreenPresenter Create(DisplayOptions options, params IFrameSink[] sinks) =>
        new(Options.Create(options), sinks, _alerts, NullLogger<ScreenPresenter>.Instance);

    [Fact]
    public void AFailingSinkRaisesDisplayFaultTheOthersKeepShowingAndRecoveryClearsIt()
    {
        var flaky = new FlakySink();
        var fbPath = Path.Combine(_dir, "fb0");
        var fb = FramebufferSink.OpenFile(fbPath, FramebufferGeometry.Xrgb8888(800, 480));
        using var presenter = Create(new DisplayOptions { FramebufferDevice = null }, flaky, fb);

        presenter.Show(new VisitorPrompt(PromptKind.Idle, Status));
        Assert.Empty(_alerts.Active);
        Assert.Equal(1, flaky.Frames);

        flaky.Broken = true;
        presenter.Show(new VisitorPrompt(PromptKind.Pass, Status, "王*明"));
        Assert.Contains(AlertKinds.DisplayFault, _alerts.Active);
        var raised = Assert.Single(_events.Alerts, a => a.Active);
        Assert.Contains("test:flaky", raised.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("王", raised.Detail, StringComparison.Ordinal);
        Assert.Equal(PromptKind.Pass, presenter.Current?.Kind);

        // The framebuffer still got the PASS frame: its middle is the PASS background.
        var bytes = File.ReadAllBytes(fbPath);
        var pass = Kiosk.Display.Rendering.Palette.Background(ScreenLook.Of(PromptKind.Pass).Tone);
        var offset = (470 * 800 + 790) * 4;
        Assert.Equal(new[] { pass.Blue, pass.Green, pass.Red }, bytes.AsSpan(offset, 3).ToArray());

        flaky.Broken = false;
        presenter.Show(new VisitorPrompt(PromptKind.Idle, Status));
        Assert.Empty(_alerts.Active);
        Assert.Contains(_events.Alerts, a => a.Kind == AlertKinds.DisplayFault && !a.Active);
    }

    [Fact]
    public void ShownReportsEveryPromptEvenWhenNoSinkCouldShowIt()
    {
        var flaky = new FlakySink { Broken = true };
        using var presenter = Create(new DisplayOptions { FramebufferDevice = null, Language = "zh" }, flaky);
        var shown = new List<VisitorPrompt>();
        presenter.Shown += shown.Add;

        presenter.Show(new VisitorPrompt(PromptKind.Pass, Status));
        presenter.Show(new VisitorPrompt(PromptKind.Refer, Status, Reason: Reason.CodeExpired));

        Assert.Equal([PromptTable.Pass, PromptTable.ReferCodeExpired], shown.Select(PromptTable.For));
        Assert.Contains(AlertKinds.DisplayFault, _alerts.Active);
    }

    [Fact]
    public void EveryShownScreenIsSavedNumberedAndNamedByKind()
    {
        var screens = Path.Combine(_dir, "screens");
        using var presenter = Create(new DisplayOptions { FramebufferDevice = null, ScreensDirectory = screens });
        presenter.Show(new VisitorPrompt(PromptKind.Idle, Status));
        presenter.Show(new VisitorPrompt(PromptKind.Measuring, Status));
        presenter.Show(new VisitorPrompt(PromptKind.Pass, Status, "王*明"));
        presenter.Show(new VisitorPrompt(PromptKind.Refer, Status, Reason: Reason.CodeExpired));

        var files = Directory.GetFiles(screens).Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(new[] { "0001-idle.png", "0002-measuring.png", "0003-pass.png", "0004-refer.png" }, files);
        using var png = SKBitmap.Decode(Path.Combine(screens, "0003-pass.png"));
        Assert.Equal(800, png.Width);
        Assert.Equal(480, png.Height);
    }

    [Fact]
    public void CapturesRedactTheMaskedNameUnlessConfigured()
    {
        var shownSink = Path.Combine(_dir, "shown.png");
        using var presenter = Create(new DisplayOptions { FramebufferDevice = null, PngFile = null }, new PngFileSink(shownSink));
        Assert.Null(presenter.CapturePng());

        presenter.Show(new VisitorPrompt(PromptKind.Pass, Status, "王*明"));
        var capture = presenter.CapturePng();
        Assert.NotNull(capture);
        using var captured = SKBitmap.Decode(capture);
        using var shown = SKBitmap.Decode(shownSink);
        Assert.True(CountDiffering(captured, shown) > 50, "the capture should not show the masked name");

        using var open = Create(new DisplayOptions { FramebufferDevice = null, CapturesShowName = true });
        open.Show(new VisitorPrompt(PromptKind.Pass, Status, "王*明"));
        using var same = SKBitmap.Decode(open.CapturePng());
        Assert.Equal(0, CountDiffering(same, shown));
    }

    [Fact]
    public void TheConfiguredLanguageAppliesToEveryScreen()
    {
        using var presenter = Create(new DisplayOptions { FramebufferDevice = null, Language = "en", CapturesShowName = true });
        presenter.Show(new VisitorPrompt(PromptKind.Idle, Status));
        using var renderer = new Kiosk.Display.Rendering.ScreenRenderer(800, 480);
        Assert.Equal(renderer.RenderPng(ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Idle, Status), ScreenLanguage.English)), presenter.CapturePng());
        Assert.NotEqual(renderer.RenderPng(ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Idle, Status))), presenter.CapturePng());
    }

    [Fact]
    public void ALanguageChangedAtRunTimeRedrawsTheScreenNowShownInThatLanguageWithoutSpeakingItAgain()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Display:Language"] = "Both", ["Display:FramebufferDevice"] = "" })
            .Build();
        using var services = new ServiceCollection().Configure<DisplayOptions>(configuration.GetSection(DisplayOptions.Section)).BuildServiceProvider();
        var frames = new RecordingSink();
        using var presenter = new ScreenPresenter(services.GetRequiredService<IOptionsMonitor<DisplayOptions>>(), [frames], _alerts, NullLogger<ScreenPresenter>.Instance);
        var spoken = 0;
        presenter.Shown += _ => spoken++;
        var idle = new VisitorPrompt(PromptKind.Idle, Status);
        presenter.Show(idle);

        configuration["Display:Language"] = "English";
        configuration.Reload();

        Assert.Equal(ScreenLanguage.English, presenter.Language);
        Assert.Equal(2, frames.Frames.Count);
        using var renderer = new Kiosk.Display.Rendering.ScreenRenderer(800, 480);
        using var english = renderer.Render(ScreenPrompts.ToModel(idle, ScreenLanguage.English));
        Assert.Equal(english.Bytes, frames.Frames[^1]);
        Assert.NotEqual(frames.Frames[0], frames.Frames[^1]);
        Assert.Equal(1, spoken);

        // The next screen shown is in the new language too.
        presenter.Show(new VisitorPrompt(PromptKind.Pass, Status, "王*明"));
        using var pass = renderer.Render(ScreenPrompts.ToModel(new VisitorPrompt(PromptKind.Pass, Status, "王*明"), ScreenLanguage.English));
        Assert.Equal(pass.Bytes, frames.Frames[^1]);
    }

    [Fact]
    public void ARedrawShowsTheFreshStripButIsNotAnnounced()
    {
        var frames = new RecordingSink();
        using var presenter = Create(new DisplayOptions { FramebufferDevice = null }, frames);
        var spoken = new List<PromptKind>();
        presenter.Shown += p => spoken.Add(p.Kind);
        presenter.Show(new VisitorPrompt(PromptKind.Idle, Status));
        presenter.Redraw(new VisitorPrompt(PromptKind.Idle, Status with { Online = false }));

        Assert.Equal([PromptKind.Idle], spoken);
        Assert.Equal(2, frames.Frames.Count);
        Assert.False(presenter.Current!.Status.Online);
        Assert.NotEqual(frames.Frames[0], frames.Frames[1]);
    }

    /// <summary>Keeps a copy of every frame's pixels.</summary>
    private sealed class RecordingSink : IFrameSink
    {
        public List<byte[]> Frames { get; } = [];

        public string Name => "test:recording";

        public void Present(SKBitmap frame) => Frames.Add(frame.Bytes);

        public void Dispose()
        {
        }
    }

    [Fact]
    public void UnopenableSinksRaiseDisplayFaultAndAreLeftOut()
    {
        var options = new DisplayOptions { FramebufferDevice = Path.Combine(_dir, "missing-fb"), PngFile = Path.Combine(_dir, "out.png") };
        var sinks = DisplaySinks.Open(options, _alerts, NullLogger.Instance);
        var sink = Assert.Single(sinks);
        Assert.StartsWith("png:", sink.Name, StringComparison.Ordinal);
        Assert.Contains(AlertKinds.DisplayFault, _alerts.Active);
    }

    [Fact]
    public void OptionsValidationRejectsBadRotationSizeAndSpiSettings()
    {
        var bad = new DisplayOptions { Width = 10, FramebufferRotation = 45, SpiPanel = new SpiPanelOptions { ClockHz = 1, Rotation = 33 } };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(bad, new(bad), results, validateAllProperties: true));
        var messages = string.Join(" | ", results.Select(r => r.ErrorMessage));
        Assert.Contains("Width", messages, StringComparison.Ordinal);

        // IValidatableObject runs only once the attributes pass.
        bad.Width = 800;
        results.Clear();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(bad, new(bad), results, validateAllProperties: true));
        messages = string.Join(" | ", results.Select(r => r.ErrorMessage));
        Assert.Contains("FramebufferRotation", messages, StringComparison.Ordinal);
        Assert.Contains("ClockHz", messages, StringComparison.Ordinal);
        Assert.Contains("SpiPanel:Rotation", messages, StringComparison.Ordinal);

        var good = new DisplayOptions();
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(good, new(good), results, validateAllProperties: true));
    }

    private static int CountDiffering(SKBitmap a, SKBitmap b)
    {
        var n = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var p = a.GetPixel(x, y);
                var q = b.GetPixel(x, y);
                if (Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue) > 60)
                {
                    n++;
                }
            }
        }

        return n;
    }
}
