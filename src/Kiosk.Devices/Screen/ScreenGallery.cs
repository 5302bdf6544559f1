using Kiosk.Core.Checkpoint;
using Kiosk.Display;

namespace Kiosk.Devices.Screen;

/// <summary>
/// Every screen the kiosk can show, as it shows it: each row of the prompt table that has a screen, with the data
/// that makes it longest (a masked name and the 代 mark where the screen shows them, a detail on offline and fault).
/// The layout tests and the contact sheets (<c>kiosk render --contact-sheet</c>) draw these.
/// </summary>
public static class ScreenGallery
{
    /// <summary>A fixed strip: 2026-11-25 08:30, online, data 12 min old.</summary>
    public static StatusStrip SampleStrip { get; } = new(new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.FromHours(8)), Online: true, "12 min", "kiosk-01");

    /// <summary>Every screen in <paramref name="language"/>: (name, model).</summary>
    public static IReadOnlyList<(string Name, ScreenModel Model)> All(ScreenLanguage language, StatusStrip? strip = null)
    {
        var status = strip ?? SampleStrip;
        var offline = status with { Online = false, DataAge = null };
        var screens = new List<(string, ScreenModel)>();
        foreach (var row in PromptTable.All)
        {
            if (row.Kind is not { } kind)
            {
                continue;
            }

            var look = ScreenLook.Of(kind);
            var detail = kind switch
            {
                PromptKind.Offline => "data",
                PromptKind.Fault => "thermometer",
                _ => null,
            };
            var model = ScreenPrompts.ToModel(row, kind == PromptKind.Offline ? offline : status, look.ShowsName ? "欧阳*明" : null, proxy: false, detail, language);
            screens.Add((row.Name, WithTemperature(model, kind)));
            if (look.ShowsName && kind is PromptKind.Pass or PromptKind.Refer && row.Refer is null or ReferMessage.FurtherCheck)
            {
                screens.Add(($"{row.Name}-proxy", WithTemperature(ScreenPrompts.ToModel(row, status, "李*", proxy: true, null, language), kind)));
            }
        }

        return screens;
    }

    /// <summary>A PASS shows the temperature measured (on by default).</summary>
    private static ScreenModel WithTemperature(ScreenModel model, PromptKind kind) =>
        kind == PromptKind.Pass ? model with { Lines = [.. model.Lines, ScreenPrompts.Temperature(36.6)] } : model;
}
