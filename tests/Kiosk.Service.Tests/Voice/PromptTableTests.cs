using System.Text;
using System.Text.RegularExpressions;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Voice;
using Kiosk.Display.Rendering;
using SkiaSharp;

namespace Kiosk.Service.Tests.Voice;

/// <summary>
/// The one table of what the visitor is told (Kiosk.Core's <see cref="PromptTable"/>): a row for every screen, REFER
/// message and card offer; the source of the clips' texts (prompts.tsv) and of the screens' words; each clip saying what
/// its screen says unless the row says it is rephrased; no color on screen or in speech; every clip built in.
/// </summary>
public sealed partial class PromptTableTests
{
    public static TheoryData<string> Names() => new(PromptTable.All.Select(p => p.Name));

    [Fact]
    public void EveryKindReferMessageAndCardOfferHasExactlyOnePrompt()
    {
        Assert.Equal(PromptTable.All.Count, PromptTable.All.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(PromptTable.All, p => Assert.Matches("^[a-z][a-z0-9-]*$", p.Name));
        foreach (var kind in Enum.GetValues<PromptKind>())
        {
            Assert.Single(PromptTable.All, p => p.Kind == kind && !p.OffersCard && p.Refer is null or ReferMessage.SeeStaff);
        }

        foreach (var message in Enum.GetValues<ReferMessage>())
        {
            Assert.Same(Assert.Single(PromptTable.All, p => p.Refer == message), PromptTable.Find(PromptKind.Refer, message));
        }

        Assert.Same(PromptTable.IdleCard, Assert.Single(PromptTable.All, p => p.OffersCard));
        Assert.All(PromptTable.All, p =>
        {
            Assert.Equal(p.Kind == PromptKind.Refer, p.Refer is not null);
            Assert.True(!p.OffersCard || p.Kind == PromptKind.Idle, p.Name);
            Assert.Equal(p.Kind is not null, p.Headline is not null);
        });

        // Every prompt has its screen, the assist acknowledgement too (shown for a few seconds).
        Assert.DoesNotContain(PromptTable.All, p => p.Kind is null);
    }

    [Fact]
    public void EveryReferMessageIsWhatSomeReasonShowsAndAColorAndAFeverReadAlike()
    {
        Reason?[] reasons = [null, .. Enum.GetValues<Reason>().Cast<Reason?>()];
        Assert.Equal(Enum.GetValues<ReferMessage>().Order(), reasons.Select(PromptTable.ReferMessageFor).Distinct().Order());

        var status = new StatusLine(DateTimeOffset.UnixEpoch, true, null, "kiosk-01");
        PromptEntry Refer(Reason reason) => PromptTable.For(new VisitorPrompt(PromptKind.Refer, status, Reason: reason));
        Assert.Same(PromptTable.ReferFurtherCheck, Refer(Reason.HealthStatus));
        Assert.Same(PromptTable.ReferFurtherCheck, Refer(Reason.TemperatureHigh));
        Assert.Same(PromptTable.ReferSeeStaff, PromptTable.For(new VisitorPrompt(PromptKind.Refer, status)));
        Assert.Same(PromptTable.IdleCard, PromptTable.For(new VisitorPrompt(PromptKind.Idle, status, OffersCard: true)));
        Assert.Same(PromptTable.Pass, PromptTable.For(new VisitorPrompt(PromptKind.Pass, status, OffersCard: true)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryPromptHasItsClipBuiltInInBothLanguages(string name)
    {
        Assert.NotNull(PromptTable.Named(name));
        foreach (var language in VoiceClips.Languages)
        {
            var clip = VoiceClips.LoadDefault(name, language);
            Assert.Equal($"{name}.{language}", clip.Name);
            Assert.True(clip.Duration > TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The clips are generated from prompts.tsv (generate-clips.sh), and prompts.tsv is written from the table: the table
    /// is the one source of what the screens and the clips say. After changing a spoken text, rewrite the file with
    /// <c>UPDATE_PROMPTS=1 dotnet test tests/Kiosk.Service.Tests --filter PromptTableTests</c> and regenerate the clips.
    /// </summary>
    [Fact]
    public void PromptsTsvIsWrittenFromTheTableAndTheClipFilesAreItsPrompts()
    {
        var expected = new StringBuilder(PromptTexts.Header);
        foreach (var prompt in PromptTable.All)
        {
            expected.Append(prompt.Name).Append('\t').Append(prompt.Spoken.Zh).Append('\t').Append(prompt.Spoken.En).Append('\n');
        }

        var path = Path.Combine(PromptTexts.ClipsDirectory, "prompts.tsv");
        if (Environment.GetEnvironmentVariable("UPDATE_PROMPTS") == "1")
        {
            File.WriteAllText(path, expected.ToString());
        }

        Assert.Equal(expected.ToString(), File.ReadAllText(path));
        var files = Directory.GetFiles(PromptTexts.ClipsDirectory, "*.wav").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(PromptTable.All.SelectMany(p => VoiceClips.Languages.Select(l => VoiceClips.FileName(p.Name, l))).Order(StringComparer.Ordinal), files);
    }

    /// <summary>
    /// Every clip says the words of its screen's main line (a REFER's message, else the headline), punctuation, case and
    /// spacing aside: what the visitor hears is what the screen says, in both languages (the table has no "rephrased"
    /// escape: "the ID card could not be read" under a screen saying the card could not confirm the code is a bug).
    /// </summary>
    [Fact]
    public void EveryClipSaysTheWordsOfItsScreen()
    {
        foreach (var prompt in PromptTable.All)
        {
            var main = (prompt.Kind == PromptKind.Refer ? prompt.Body : prompt.Headline)!.Value;
            Assert.True(Words(prompt.Spoken.Zh).Contains(Words(main.Zh), StringComparison.Ordinal), $"{prompt.Name}: the clip \"{prompt.Spoken.Zh}\" does not say the screen's \"{main.Zh}\"");
            Assert.True(Words(prompt.Spoken.En).Contains(Words(main.En), StringComparison.Ordinal), $"{prompt.Name}: the clip \"{prompt.Spoken.En}\" does not say the screen's \"{main.En}\"");

            // Nothing the screen does not say, beyond "please see staff" / "please wait" / the PASS's temperature note.
            var extra = Words(prompt.Spoken.En).Replace(Words(main.En), string.Empty, StringComparison.Ordinal);
            foreach (var allowed in new[] { "pleaseseestaff", "pleasewait", "temperaturenormal", "pleaseholdstill", "holditstill", "nocodeplaceyouridcardonthereader", "astaffmemberwillhelpyou", "please" })
            {
                extra = extra.Replace(allowed, string.Empty, StringComparison.Ordinal);
            }

            Assert.True(extra.Length == 0, $"{prompt.Name}: the clip says \"{extra}\" beyond its screen");
        }

        // The idle clip with a reader offers the card as its screen does.
        Assert.Contains(Words(PromptTable.IdleCard.Body!.Value.Zh), Words(PromptTable.IdleCard.Spoken.Zh), StringComparison.Ordinal);
        Assert.Contains(Words(PromptTable.IdleCard.Body!.Value.En), Words(PromptTable.IdleCard.Spoken.En), StringComparison.Ordinal);
    }

    [Fact]
    public void NoPromptShowsOrSaysAColorOrAReasonThatRevealsOne()
    {
        string[] chinese = ["绿", "黄", "红", "颜色", "码色", "发烧", "发热", "高温", "异常"];
        foreach (var prompt in PromptTable.All)
        {
            Assert.DoesNotContain(chinese, word => prompt.Spoken.Zh.Contains(word, StringComparison.Ordinal));
            Assert.False(SpokenColorWord().IsMatch(prompt.Spoken.En), $"{prompt.Name}: \"{prompt.Spoken.En}\"");

            // On screen, as substrings on purpose: "expired" or "registered" would contain "red", so the screens avoid them too.
            foreach (var text in ScreenTexts(prompt))
            {
                Assert.False(ScreenColorWord().IsMatch(text), $"{prompt.Name}: \"{text}\"");
            }
        }

        // What generate-clips.sh reads is the same.
        Assert.All(PromptTexts.Read(), row => Assert.Equal(PromptTable.Named(row.Key)!.Spoken, new PromptText(row.Value.Zh, row.Value.En)));
    }

    [Fact]
    public void EveryScreenTextHasItsGlyphsInTheKioskFont()
    {
        using var font = new SKFont(KioskTypeface.Default);
        foreach (var text in PromptTable.All.SelectMany(ScreenTexts))
        {
            var glyphs = font.GetGlyphs(text);
            var missing = text.Where((c, i) => !char.IsSurrogate(c) && glyphs[i] == 0).ToArray();
            Assert.True(font.ContainsGlyphs(text), $"missing glyphs for '{new string(missing)}' in \"{text}\" (re-run Fonts/subset-font.sh)");
        }
    }

    [Fact]
    public void DefaultClipsAreMono16KHzSpeechOfAPromptsLength()
    {
        var total = 0L;
        foreach (var prompt in PromptTable.All)
        {
            foreach (var language in VoiceClips.Languages)
            {
                var clip = VoiceClips.LoadDefault(prompt.Name, language);
                Assert.Equal(1, clip.Channels);
                Assert.Equal(16000, clip.SampleRate);
                Assert.InRange(clip.Duration, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(6));
                Assert.True(clip.Rms > 0.03, $"{prompt.Name}.{language} is nearly silent (RMS {clip.Rms:0.000})");
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
        Assert.True(VoiceClips.LoadDefault(PromptTable.Pass.Name, "zh").Duration < TimeSpan.FromSeconds(3));
        Assert.True(VoiceClips.LoadDefault(PromptTable.Pass.Name, "en").Duration < TimeSpan.FromSeconds(3));
    }

    private static IEnumerable<string> ScreenTexts(PromptEntry prompt) =>
        new[] { prompt.Headline, prompt.Body, prompt.Hint }.OfType<PromptText>().SelectMany(t => new[] { t.Zh, t.En });

    /// <summary>The words of a sentence: letters and digits, lower case, without punctuation or spaces.</summary>
    private static string Words(string text) => new(text.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    [GeneratedRegex(@"\b(green|yellow|amber|red|colou?r|fever|high|status)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SpokenColorWord();

    [GeneratedRegex("绿|黄|红|green|yellow|red", RegexOptions.IgnoreCase)]
    private static partial Regex ScreenColorWord();
}

/// <summary>The texts of the prompts, as generate-clips.sh reads them.</summary>
internal static class PromptTexts
{
    /// <summary>The comment that opens prompts.tsv.</summary>
    public const string Header = """
        # The spoken prompts: clip name, Mandarin text, English text (tab-separated). Written from the prompt table,
        # src/Kiosk.Core/Checkpoint/PromptTable.cs (each row's Spoken; the same rows hold what the screens say): edit the
        # table, then UPDATE_PROMPTS=1 dotnet test tests/Kiosk.Service.Tests --filter PromptTableTests rewrites this file
        # (a test fails while the two differ). generate-clips.sh turns each line into NAME.zh.wav and NAME.en.wav. No text
        # names or hints at a health color, and a REFER text never says why beyond what the visitor can act on.

        """;

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
