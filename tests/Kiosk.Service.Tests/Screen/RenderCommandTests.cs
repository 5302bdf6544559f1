using Kiosk.Service.Cli;
using SkiaSharp;

namespace Kiosk.Service.Tests.Screen;

public sealed class RenderCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kiosk-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await KioskCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("idle")]
    [InlineData("measuring")]
    [InlineData("pass")]
    [InlineData("refer")]
    [InlineData("offline")]
    [InlineData("fault")]
    [InlineData("place_card")]
    public async Task RendersEachScreenToAPng(string screen)
    {
        var file = Path.Combine(_dir, $"{screen}.png");
        var (code, _, err) = await Run("render", "--screen", screen, "--out", file, "--masked-name", "王*明", "--proxy", "--refer", "code-expired");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, err);
        using var png = SKBitmap.Decode(file);
        Assert.Equal(800, png.Width);
        Assert.Equal(480, png.Height);
    }

    /// <summary>A fresh install's /etc/kiosk/kiosk.json has no site or kiosk id yet (the service refuses to start): a preview still works.</summary>
    [Fact]
    public async Task RendersBeforeTheKioskIsNamedButRefusesABadDisplaySetting()
    {
        var config = Path.Combine(_dir, "fresh.json");
        await File.WriteAllTextAsync(config, """{ "Kiosk": { "Site": "", "KioskId": "" }, "Display": { "Width": 480, "Height": 320 } }""");
        var file = Path.Combine(_dir, "fresh.png");
        var (code, _, err) = await Run("render", "--screen", "pass", "--out", file, "--config", config);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, err);
        using (var png = SKBitmap.Decode(file))
        {
            Assert.Equal((480, 320), (png.Width, png.Height));
        }

        var bad = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(bad, """{ "Display": { "Width": 5 } }""");
        (code, _, err) = await Run("render", "--screen", "pass", "--out", file, "--config", bad);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("Width", err);
    }

    [Fact]
    public async Task PlaceCardAndTheCardReferMessagesAndTheIdleCardOfferRender()
    {
        var placeCard = Path.Combine(_dir, "default");
        Directory.CreateDirectory(placeCard);
        var (code, output, err) = await Run("render", "--screen", "place_card", "--out", Path.Combine(placeCard, "place_card.png"), "--masked-name", "王*明");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, err);
        Assert.Contains("place_card", output, StringComparison.Ordinal);

        foreach (var refer in new[] { "card-mismatch", "identity-not-confirmed", "card-unreadable", "card-out-of-date", "no-record" })
        {
            var file = Path.Combine(_dir, $"refer-{refer}.png");
            Assert.Equal(0, (await Run("render", "--screen", "refer", "--refer", refer, "--masked-name", "欧**明", "--out", file)).Code);
            Assert.True(File.Exists(file));
        }

        var idle = Path.Combine(_dir, "idle-card.png");
        var plain = Path.Combine(_dir, "idle.png");
        Assert.Equal(0, (await Run("render", "--screen", "idle", "--offers-card", "--out", idle)).Code);
        Assert.Equal(0, (await Run("render", "--screen", "idle", "--out", plain)).Code);
        Assert.NotEqual(File.ReadAllBytes(idle), File.ReadAllBytes(plain));
    }

    [Fact]
    public async Task SizeAndLanguageOptionsApply()
    {
        var file = Path.Combine(_dir, "hd.png");
        var (code, _, _) = await Run("render", "--screen", "pass", "--out", file, "--size", "1920x1080", "--lang", "en");
        Assert.Equal(0, code);
        using var png = SKBitmap.Decode(file);
        Assert.Equal(1920, png.Width);
        Assert.Equal(1080, png.Height);
    }

    [Theory]
    [InlineData("--screen", "green")]
    [InlineData("--screen", " idle")]
    [InlineData("--screen", "IDLE")]
    [InlineData("--screen", "pass", "--size", "800by480")]
    [InlineData("--screen", "pass", "--lang", "fr")]
    [InlineData("--screen", "refer", "--refer", "nope")]
    public async Task BadInputIsOneLineAndExit2(params string[] args)
    {
        var (code, _, err) = await Run(["render", .. args, "--out", Path.Combine(_dir, "x.png")]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        if (args[1] is " idle" or "IDLE")
        {
            Assert.Contains("(expected one of: idle, measuring, pass, refer, offline, fault, place_card, assist, aiming)", err, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnwritableOutputIsAnInputError()
    {
        var (code, _, err) = await Run("render", "--screen", "idle", "--out", Path.Combine(_dir, "no", "such", "dir", "x.png"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: cannot write", err, StringComparison.Ordinal);
    }
}
