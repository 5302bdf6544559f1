using Kiosk.Core.Checkpoint;
using Kiosk.Display;

namespace Kiosk.Devices.Screen;

/// <summary>
/// How the screen of a prompt kind looks: its icon, its background, and how its lines are sized and spaced. What the
/// lines say is the prompt table's (<see cref="PromptTable"/>); <see cref="ScreenPrompts"/> puts the two together into
/// the model the display draws. Every screen follows one order: headline, masked name (where shown), line, hint, detail
/// (where shown).
/// </summary>
/// <param name="Icon">The icon.</param>
/// <param name="Tone">The background.</param>
/// <param name="HeadlineZh">Scale of the Chinese headline (1 = <see cref="ScreenLine.HeadlineZh"/>).</param>
/// <param name="HeadlineEn">Scale of the English headline (1 = <see cref="ScreenLine.HeadlineEn"/>).</param>
/// <param name="ShowsName">The masked name and the 代 mark are drawn under the headline.</param>
/// <param name="BodyScale">Scale of the line under the headline (1 = the body size).</param>
/// <param name="BodyGap">Space above that line (a fraction of the frame's height).</param>
/// <param name="HintGap">Space above the hint.</param>
/// <param name="ShowsDetail">The technical detail (<c>data</c>, <c>thermometer</c>, ...) is drawn last.</param>
internal sealed record ScreenLook(
    ScreenIcon Icon,
    ScreenTone Tone,
    float HeadlineZh = 1,
    float HeadlineEn = 1,
    bool ShowsName = false,
    float BodyScale = 1,
    float BodyGap = 0.045f,
    float HintGap = 0.035f,
    bool ShowsDetail = false)
{
    /// <summary>The look of the screen of <paramref name="kind"/>. PASS and REFER differ by icon shape, text and sound,
    /// never by color alone; every background is a neutral blue or grey.</summary>
    public static ScreenLook Of(PromptKind kind) => kind switch
    {
        PromptKind.Idle => new(ScreenIcon.QrCode, ScreenTone.Blue, HeadlineZh: 0.8f, HeadlineEn: 0.9f, HintGap: 0.035f),

        // Still waiting (the idle blue), the code's icon with arrows out of its corners: bring it closer.
        PromptKind.Aiming => new(ScreenIcon.QrCloser, ScreenTone.Blue, HeadlineZh: 0.8f, HeadlineEn: 0.9f, HintGap: 0.035f),
        PromptKind.Measuring => new(ScreenIcon.Thermometer, ScreenTone.SteelBlue, HeadlineZh: 0.8f, HeadlineEn: 0.9f, BodyScale: 1.1f, BodyGap: 0.05f),

        // SteelBlue like measuring: a step of the check.
        PromptKind.PlaceCard => new(ScreenIcon.CardOnReader, ScreenTone.SteelBlue, HeadlineZh: 0.7f, HeadlineEn: 0.85f, ShowsName: true, HintGap: 0.04f),
        PromptKind.Pass => new(ScreenIcon.Check, ScreenTone.PaleBlue, HeadlineZh: 1.2f, HeadlineEn: 1.1f, ShowsName: true),
        PromptKind.Refer => new(ScreenIcon.RaisedHand, ScreenTone.Ink, ShowsName: true),
        PromptKind.Offline => new(ScreenIcon.Pause, ScreenTone.Grey, ShowsDetail: true),

        // Help is coming: the waiting blue, a bell.
        PromptKind.Assist => new(ScreenIcon.Bell, ScreenTone.Blue, HeadlineZh: 0.85f, HeadlineEn: 0.9f),

        // PromptKind.Fault, and the fault look for a kind that has none of its own.
        _ => new(ScreenIcon.Warning, ScreenTone.NearBlack, ShowsDetail: true),
    };
}
