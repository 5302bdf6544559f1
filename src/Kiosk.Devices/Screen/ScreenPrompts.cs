using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Display;

namespace Kiosk.Devices.Screen;

/// <summary>
/// The checkpoint's prompts as screens: the prompt's row of <see cref="PromptTable"/> gives the words (a REFER's reason
/// is already its neutral message there), <see cref="ScreenLook"/> the icon, background and sizes, and the status line
/// becomes the strip. The display receives only texts and shapes; a reason or a color never reaches it.
/// </summary>
public static class ScreenPrompts
{
    /// <summary>
    /// The screen of a prompt, in <paramref name="language"/> (the presenter applies <c>Display:Language</c>). A PASS
    /// shows the temperature measured (<c>36.6 °C 体温正常</c>) under the name when <paramref name="showTemperature"/>;
    /// no other screen ever does.
    /// </summary>
    public static ScreenModel ToModel(VisitorPrompt prompt, ScreenLanguage language = ScreenLanguage.Both, bool showTemperature = true)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var model = ToModel(PromptTable.For(prompt), Strip(prompt.Status), prompt.MaskedName, prompt.Proxy, prompt.Detail, language);
        if (showTemperature && prompt.Kind == PromptKind.Pass && prompt.TemperatureC is { } celsius && double.IsFinite(celsius))
        {
            model = model with { Lines = [.. model.Lines, Temperature(celsius)] };
        }

        return model;
    }

    /// <summary>The PASS screen's temperature line: <c>36.6 °C 体温正常</c> / <c>36.6 °C Temperature normal</c>.</summary>
    public static ScreenLine Temperature(double celsius)
    {
        var value = celsius.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        var note = PromptTable.TemperatureNormal;
        return ScreenLine.Body(new($"{value} °C {note.Zh}", $"{value} °C {note.En}"), 0.04f);
    }

    /// <summary>
    /// The screen of a row of the prompt table with the data of the moment. The masked name and the 代 mark appear on the
    /// screens that show them (place card, PASS, REFER), the detail on those that show it (offline, fault).
    /// </summary>
    /// <exception cref="ArgumentException">The prompt is only spoken (it has no screen).</exception>
    public static ScreenModel ToModel(PromptEntry prompt, StatusStrip status, string? maskedName = null, bool proxy = false, string? detail = null, ScreenLanguage language = ScreenLanguage.Both)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Kind is not { } kind || prompt.Headline is not { } headline)
        {
            throw new ArgumentException($"the prompt '{prompt.Name}' is only spoken: it has no screen", nameof(prompt));
        }

        var look = ScreenLook.Of(kind);
        var lines = new List<ScreenLine>(2);
        if (prompt.Body is { } body)
        {
            lines.Add(ScreenLine.Body(Text(body), look.BodyGap, look.BodyScale));
        }

        if (prompt.Hint is { } hint)
        {
            lines.Add(ScreenLine.Hint(Text(hint), look.HintGap));
        }

        return new ScreenModel(
            look.Icon,
            look.Tone,
            status,
            ScreenLine.Headline(Text(headline), look.HeadlineZh, look.HeadlineEn),
            lines,
            MaskedName: look.ShowsName ? maskedName : null,
            Proxy: look.ShowsName && proxy,
            Language: language,
            Detail: look.ShowsDetail ? detail : null);
    }

    /// <summary>The status strip of a status line (the data's age as a technician reads it).</summary>
    public static StatusStrip Strip(StatusLine status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new StatusStrip(status.At, status.Online, status.ColorDataAge is { } age ? AgeText.Short(age) : null, status.KioskId);
    }

    private static Bilingual Text(PromptText text) => new(text.Zh, text.En);
}
