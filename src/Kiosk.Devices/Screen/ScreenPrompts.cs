using Kiosk.Core;
using Kiosk.Display;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Devices.Screen;

/// <summary>
/// The checkpoint's prompts as screens: the prompt's kind is the screen's, the status line is the strip, and a reason
/// becomes its neutral message. The only place where a reason meets the screen; a color never does.
/// </summary>
public static class ScreenPrompts
{
    /// <summary>The screen model of a prompt (in the default language; the presenter applies <c>Display:Language</c>).</summary>
    public static ScreenModel ToModel(VisitorPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return new ScreenModel(
            KindOf(prompt.Kind),
            new StatusStrip(prompt.Status.At, prompt.Status.Online, prompt.Status.ColorDataAge is { } age ? AgeText.Short(age) : null, prompt.Status.KioskId),
            prompt.MaskedName,
            prompt.Proxy,
            prompt.Kind == PromptKind.Refer && prompt.Reason is { } reason ? ReferMessageFor(reason) : ReferMessage.SeeStaff,
            Detail: prompt.Detail,
            OffersCard: prompt.OffersCard);
    }

    /// <summary>The screen of a prompt.</summary>
    public static ScreenKind KindOf(PromptKind kind) => kind switch
    {
        PromptKind.Idle => ScreenKind.Idle,
        PromptKind.Measuring => ScreenKind.Measuring,
        PromptKind.Pass => ScreenKind.Pass,
        PromptKind.Refer => ScreenKind.Refer,
        PromptKind.Offline => ScreenKind.Offline,
        PromptKind.Fault => ScreenKind.Fault,
        PromptKind.PlaceCard => ScreenKind.PlaceCard,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a prompt"),
    };

    /// <summary>
    /// The neutral message of each reason. A color and a high temperature read alike: "a further check is needed"; the
    /// identity reasons say what the visitor can act on (the card does not match, could not be read, is out of date, has
    /// no record), never a color.
    /// </summary>
    public static ReferMessage ReferMessageFor(Reason reason) => reason switch
    {
        Reason.CodeUnrecognized => ReferMessage.CodeNotRecognized,
        Reason.CodeInvalid => ReferMessage.CodeNotVerified,
        Reason.CodeExpired => ReferMessage.CodeExpired,
        Reason.CodeNotYetValid => ReferMessage.CodeNotYetValid,
        Reason.TemperatureUnavailable => ReferMessage.TemperatureNotTaken,
        Reason.HealthStatus or Reason.TemperatureHigh => ReferMessage.FurtherCheck,
        Reason.IdentityMismatch => ReferMessage.CardMismatch,
        Reason.IdentityUnconfirmed => ReferMessage.IdentityNotConfirmed,
        Reason.DocumentInvalid => ReferMessage.CardUnreadable,
        Reason.DocumentExpired => ReferMessage.CardOutOfDate,
        Reason.NoRecord => ReferMessage.NoRecord,
        _ => ReferMessage.SeeStaff,
    };
}
