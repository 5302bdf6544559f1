using Kiosk.Display;

namespace Kiosk.Devices.Voice;

/// <summary>
/// The spoken prompts, keyed by stable clip names: each name is a pair of clips <c>NAME.zh.wav</c> and
/// <c>NAME.en.wav</c> (Clips/, texts in Clips/prompts.tsv), and a site's recording of the same file name replaces one.
/// A screen maps to its prompt here and nowhere else; a name never changes once shipped (sites record to it).
/// </summary>
/// <remarks>
/// No prompt says a color or a reason that reveals one: like the screens, a color outcome and a high temperature
/// both say "a further check is needed", and a stale feed or a clock fault both say "checks are paused".
/// </remarks>
public static class PromptCatalog
{
    /// <summary>Idle: please show your health code.</summary>
    public const string Idle = "idle";

    /// <summary>Idle with an ID card reader: show your code, or place your ID card (identity.md).</summary>
    public const string IdleCard = "idle-card";

    /// <summary>Measuring: hold still.</summary>
    public const string Measuring = "measuring";

    /// <summary>PASS: temperature normal, please pass.</summary>
    public const string Pass = "pass";

    /// <summary>Place your ID card on the reader (identity.md, <c>place_card</c>).</summary>
    public const string PlaceCard = "place-card";

    /// <summary>Offline (stale color data or clock fault): checks paused.</summary>
    public const string Offline = "offline";

    /// <summary>Device fault: please see staff.</summary>
    public const string Fault = "fault";

    /// <summary>The assist button was pressed: staff have been called.</summary>
    public const string Assist = "assist";

    /// <summary>REFER, see staff.</summary>
    public const string ReferSeeStaff = "refer-see-staff";

    /// <summary>REFER, not a health code.</summary>
    public const string ReferCodeNotRecognized = "refer-code-not-recognized";

    /// <summary>REFER, the code could not be verified.</summary>
    public const string ReferCodeNotVerified = "refer-code-not-verified";

    /// <summary>REFER, the code has expired.</summary>
    public const string ReferCodeExpired = "refer-code-expired";

    /// <summary>REFER, the code is not valid yet.</summary>
    public const string ReferCodeNotYetValid = "refer-code-not-yet-valid";

    /// <summary>REFER, the temperature could not be taken.</summary>
    public const string ReferTemperatureNotTaken = "refer-temperature-not-taken";

    /// <summary>REFER, a further check is needed (a color outcome and a high temperature alike).</summary>
    public const string ReferFurtherCheck = "refer-further-check";

    /// <summary>REFER, the ID card does not match the code (identity.md 7b).</summary>
    public const string ReferIdentityMismatch = "refer-identity-mismatch";

    /// <summary>REFER, no valid card for the code (identity.md 7a).</summary>
    public const string ReferIdentityUnconfirmed = "refer-identity-unconfirmed";

    /// <summary>REFER, the card could not be read (identity.md C1).</summary>
    public const string ReferDocumentInvalid = "refer-document-invalid";

    /// <summary>REFER, the card has expired (identity.md C3).</summary>
    public const string ReferDocumentExpired = "refer-document-expired";

    /// <summary>REFER, no record for the card (identity.md C5).</summary>
    public const string ReferNoRecord = "refer-no-record";

    /// <summary>The languages a clip exists in, in speaking order.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["zh", "en"];

    /// <summary>Every prompt; each has a clip in every language of <see cref="Languages"/>.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        Idle, IdleCard, Measuring, Pass, PlaceCard, Offline, Fault, Assist,
        ReferSeeStaff, ReferCodeNotRecognized, ReferCodeNotVerified, ReferCodeExpired, ReferCodeNotYetValid,
        ReferTemperatureNotTaken, ReferFurtherCheck,
        ReferIdentityMismatch, ReferIdentityUnconfirmed, ReferDocumentInvalid, ReferDocumentExpired, ReferNoRecord,
    ];

    /// <summary>The file name of a clip, e.g. <c>pass.zh.wav</c>.</summary>
    public static string FileName(string name, string language) => $"{name}.{language}.wav";

    /// <summary>The prompt of a screen; null for a screen the catalogue does not know (a test keeps that from happening).</summary>
    public static string? For(ScreenModel model) => model.Kind switch
    {
        ScreenKind.Idle => model.OffersCard ? IdleCard : Idle,
        ScreenKind.Measuring => Measuring,
        ScreenKind.PlaceCard => PlaceCard,
        ScreenKind.Pass => Pass,
        ScreenKind.Refer => For(model.Refer),
        ScreenKind.Offline => Offline,
        ScreenKind.Fault => Fault,
        _ => null,
    };

    /// <summary>The prompt of a REFER screen's message; null for one the catalogue does not know.</summary>
    public static string? For(ReferMessage message) => message switch
    {
        ReferMessage.SeeStaff => ReferSeeStaff,
        ReferMessage.CodeNotRecognized => ReferCodeNotRecognized,
        ReferMessage.CodeNotVerified => ReferCodeNotVerified,
        ReferMessage.CodeExpired => ReferCodeExpired,
        ReferMessage.CodeNotYetValid => ReferCodeNotYetValid,
        ReferMessage.TemperatureNotTaken => ReferTemperatureNotTaken,
        ReferMessage.FurtherCheck => ReferFurtherCheck,
        ReferMessage.CardMismatch => ReferIdentityMismatch,
        ReferMessage.IdentityNotConfirmed => ReferIdentityUnconfirmed,
        ReferMessage.CardUnreadable => ReferDocumentInvalid,
        ReferMessage.CardOutOfDate => ReferDocumentExpired,
        ReferMessage.NoRecord => ReferNoRecord,
        _ => null,
    };
}
