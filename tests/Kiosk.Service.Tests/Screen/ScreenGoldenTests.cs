using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Screen;
using Kiosk.Display.Rendering;
using Kiosk.Display.Tests;
using SkiaSharp;

namespace Kiosk.Service.Tests.Screen;

/// <summary>
/// The kiosk's own prompts, drawn as the kiosk draws them (the prompt's row of the table, its screen look, the renderer),
/// against the display's golden images (tests/Kiosk.Display.Tests/golden, same tolerance): what the visitor sees is the
/// table's words in the screens' looks, pixel for pixel as the display's samples.
/// </summary>
public sealed class ScreenGoldenTests
{
    private static readonly StatusLine Status = new(new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.FromHours(8)), Online: true, TimeSpan.FromMinutes(12), "kiosk-01");

    private static readonly StatusLine OfflineStatus = Status with { Online = false, ColorDataAge = null };

    /// <summary>Golden name → the prompt the checkpoint gives for it.</summary>
    private static readonly Dictionary<string, VisitorPrompt> Prompts = new()
    {
        ["idle"] = new(PromptKind.Idle, Status),
        ["measuring"] = new(PromptKind.Measuring, Status, "王*明"),
        ["pass"] = new(PromptKind.Pass, Status, "王*明"),
        ["pass-proxy"] = new(PromptKind.Pass, Status, "李*", Proxy: true),
        ["refer"] = new(PromptKind.Refer, Status, "王*明", Reason: Reason.HealthStatus),
        ["refer-not-a-code"] = new(PromptKind.Refer, Status, Reason: Reason.CodeUnrecognized),
        ["offline"] = new(PromptKind.Offline, OfflineStatus, Detail: "feed data 30 h old"),
        ["fault"] = new(PromptKind.Fault, Status, Detail: "thermometer"),
        ["place-card"] = new(PromptKind.PlaceCard, Status, "王*明"),
        ["idle-card"] = new(PromptKind.Idle, Status, OffersCard: true),
        ["refer-card-mismatch"] = new(PromptKind.Refer, Status, "王*明", Reason: Reason.IdentityMismatch),
        ["refer-no-record"] = new(PromptKind.Refer, Status, "欧**明", Reason: Reason.NoRecord),
    };

    public static TheoryData<string> Names => new(Prompts.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void ThePromptIsDrawnAsItsGoldenImage(string name)
    {
        using var renderer = new ScreenRenderer(800, 480);
        var frame = renderer.Render(ScreenPrompts.ToModel(Prompts[name]));

        using var golden = SKBitmap.Decode(Path.Combine(AppContext.BaseDirectory, "golden", $"{name}.png"));
        using var expected = new SKBitmap(new SKImageInfo(golden.Width, golden.Height, SKColorType.Bgra8888, SKAlphaType.Opaque));
        Assert.True(golden.CopyTo(expected, SKColorType.Bgra8888));
        var (differing, meanAbs) = ImageCompare.Diff(frame, expected);
        Assert.True(differing <= 0.005 * 800 * 480, $"{name}: {differing} pixels differ (mean abs {meanAbs:F2})");
        Assert.True(meanAbs < 1.5, $"{name}: mean abs difference {meanAbs:F2}");
    }

    [Fact]
    public void EveryGoldenImageIsAPromptOfTheKiosk()
    {
        var images = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "golden"), "*.png").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);

        Assert.Equal(Prompts.Keys.Order(StringComparer.Ordinal), images);
    }
}
