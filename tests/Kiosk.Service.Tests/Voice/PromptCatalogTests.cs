using Kiosk.Display;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Voice;

namespace Kiosk.Service.Tests.Voice;

/// <summary>
/// Every screen has a prompt in each language, built into the kiosk and generated from prompts.tsv; no prompt names a
/// color. A screen kind or REFER message added without its prompt fails here.
/// </summary>
public sealed class PromptCatalogTests
{
    private static readonly StatusStrip Strip = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), true, "1 min", "kiosk-01");

    public static TheoryData<string> ScreenKinds() => new(Enum.GetNames<ScreenKind>());

    public static TheoryData<string> ReferMessages() => new(Enum.GetNames<ReferMessage>());

    [Theory]
    [MemberData(nameof(ScreenKinds))]
    public void EveryScreenKindHasAPromptBuiltInInBothLanguages(string kind)
    {
        var model = new ScreenModel(Enum.Parse<ScreenKind>(kind), Strip);

        var name = PromptCatalog.For(model);

        Assert.True(name is not null, $"ScreenKind.{kind} has no prompt in PromptCatalog.For");
        AssertBuiltIn(name!);
    }

    [Theory]
    [MemberData(nameof(ReferMessages))]
    public void EveryReferMessageHasAPromptBuiltInInBothLanguages(string message)
    {
        var model = new ScreenModel(ScreenKind.Refer, Strip, Refer: Enum.Parse<ReferMessage>(message));

        var name = PromptCatalog.For(model);

        Assert.True(name is not null, $"ReferMessage.{message} has no prompt in PromptCatalog.For");
        AssertBuiltIn(name!);
    }

    [Fact]
    public void TheCataloguePromptsTsvAndTheClipFilesNameTheSamePrompts()
    {
        var texts = PromptTexts.Read();
        var files = Directory.GetFiles(PromptTexts.ClipsDirectory, "*.wav").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(PromptCatalog.Names.Order(StringComparer.Ordinal), texts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(PromptCatalog.Names.SelectMany(n => PromptCatalog.Languages.Select(l => PromptCatalog.FileName(n, l))).Order(StringComparer.Ordinal), files);
        Assert.Equal(PromptCatalog.Names.Count, PromptCatalog.Names.Distinct().Count());
    }

    [Fact]
    public void NoPromptSaysAColorOrAReasonThatRevealsOne()
    {
        string[] chinese = ["绿", "黄", "红", "颜色", "码色", "发烧", "发热", "高温", "异常"];
        var english = new System.Text.RegularExpressions.Regex(@"\b(green|yellow|amber|red|colou?r|fever|high|status)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        foreach (var (name, (zh, en)) in PromptTexts.Read())
        {
            Assert.DoesNotContain(chinese, word => zh.Contains(word, StringComparison.Ordinal));
            Assert.False(english.IsMatch(en), $"{name}: \"{en}\"");
        }

        // A color outcome and a high temperature say the same, as the screens do.
        Assert.Equal(PromptCatalog.ReferFurtherCheck, PromptCatalog.For(Kiosk.Devices.Screen.ScreenPrompts.ReferMessageFor(Reason.HealthStatus)));
        Assert.Equal(PromptCatalog.ReferFurtherCheck, PromptCatalog.For(Kiosk.Devices.Screen.ScreenPrompts.ReferMessageFor(Reason.TemperatureHigh)));
    }

    [Fact]
    public void DefaultClipsAreMono16KhzSpeechOfAPromptsLength()
    {
        var total = 0L;
        foreach (var name in PromptCatalog.Names)
        {
            foreach (var language in PromptCatalog.Languages)
            {
                var clip = VoiceClips.LoadDefault(name, language);
                Assert.Equal(1, clip.Channels);
                Assert.Equal(16000, clip.SampleRate);
                Assert.InRange(clip.Duration, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(6));
                Assert.True(clip.Rms > 0.03, $"{name}.{language} is nearly silent (RMS {clip.Rms:0.000})");
                total += clip.DataSize;
            }
        }

        // The repository and the kiosk stay small: a few MB of clips.
        Assert.InRange(total, 1, 4_500_000);
    }

    [Fact]
    public void ThePassPromptFitsThePassHoldInEitherLanguage()
    {
        // "A PASS prompt never delays the gate": it is spoken while the gate is open, within the 3 s hold.
        Assert.True(VoiceClips.LoadDefault(PromptCatalog.Pass, "zh").Duration < TimeSpan.FromSeconds(3));
        Assert.True(VoiceClips.LoadDefault(PromptCatalog.Pass, "en").Duration < TimeSpan.FromSeconds(3));
    }

    private static void AssertBuiltIn(string name)
    {
        Assert.Contains(name, PromptCatalog.Names);
        foreach (var language in PromptCatalog.Languages)
        {
            var clip = VoiceClips.LoadDefault(name, language);
            Assert.Equal($"{name}.{language}", clip.Name);
            Assert.True(clip.Duration > TimeSpan.Zero);
        }
    }
}

/// <summary>The texts of the prompts, as generate-clips.sh reads them.</summary>
internal static class PromptTexts
{
    public static string ClipsDirectory { get; } = Find();

    public static Dictionary<string, (string Zh, string En)> Read() =>
        File.ReadAllLines(Path.Combine(ClipsDirectory, "prompts.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToDictionary(f => f[0], f => (f[1], f[2]), StringComparer.Ordinal);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Kiosk.Devices", "Voice", "Clips");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("src/Kiosk.Devices/Voice/Clips not found above the test output");
    }
}
