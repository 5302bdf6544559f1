namespace Kiosk.Core.Checkpoint;

/// <summary>
/// The one table of what the visitor is told: for every prompt, the texts its screen draws (headline, line, hint) and
/// the sentence its voice clip says, in Mandarin and English. The screen draws these texts (the display has no list of
/// screens of its own), the voice plays the clip of the same row, <c>Voice/Clips/prompts.tsv</c> (what the clips are
/// generated from) is written from it and checked against it, and the display's font subset takes its characters from
/// this file (<c>Fonts/subset-font.sh</c>: re-run it after adding a character).
/// </summary>
/// <remarks>
/// No text names or hints at a health color, and none says a reason that reveals one (checkpoint-policy.md): a color
/// outcome and a high temperature both say "a further check is needed", a stale feed and a clock fault both show the
/// offline prompt. The screen texts also avoid the substrings green/yellow/red ("expired", "registered"). Tests check
/// both, and that every kind, REFER message and card offer has exactly one row.
/// </remarks>
public static class PromptTable
{
    // Lines several prompts share. Declared first: the rows below are initialised in order.
    private static readonly PromptText ShowYourCode = new("请出示健康码", "Please show your health code");
    private static readonly PromptText HoldUpTheCode = new("将二维码对准摄像头", "Hold the QR code up to the camera");
    private static readonly PromptText SeeStaff = new("请联系工作人员", "Please see staff");

    /// <summary>Idle: please show your health code; no code? see staff with an ID document.</summary>
    public static readonly PromptEntry Idle = new(
        "idle",
        PromptKind.Idle,
        Headline: ShowYourCode,
        Body: new("没有健康码？请持有效身份证件联系工作人员", "No code? Please see staff with a valid ID document"),
        Hint: HoldUpTheCode,
        Spoken: new("请出示健康码", "Please show your health code."));

    /// <summary>Idle with an ID card reader: show your code, or place your ID card (identity.md).</summary>
    public static readonly PromptEntry IdleCard = new(
        "idle-card",
        PromptKind.Idle,
        Headline: ShowYourCode,
        Body: new("没有健康码？请刷身份证", "No code? Place your ID card on the reader"),
        Hint: HoldUpTheCode,
        Spoken: new("请出示健康码，没有健康码请刷身份证", "Please show your health code. No code? Place your ID card on the reader."),
        OffersCard: true);

    /// <summary>
    /// Aiming help: the camera has seen a code for a second but cannot read it (too far, blurred): move it closer and
    /// hold it still, as commercial readers say. Said once per episode (the screen is shown once, then only redrawn).
    /// </summary>
    public static readonly PromptEntry Aiming = new(
        "aiming",
        PromptKind.Aiming,
        Headline: new("请将二维码靠近", "Move the code closer"),
        Body: new("保持稳定", "Hold it still"),
        Hint: HoldUpTheCode,
        Spoken: new("请将二维码靠近，保持稳定", "Move the code closer. Hold it still."));

    /// <summary>A code was read: hold still for the temperature.</summary>
    public static readonly PromptEntry Measuring = new(
        "measuring",
        PromptKind.Measuring,
        Headline: new("正在测量体温", "Taking your temperature"),
        Body: new("请保持不动，额头靠近测温器", "Hold still, forehead to the sensor"),
        Hint: null,
        Spoken: new("正在测量体温，请保持不动", "Taking your temperature. Please hold still."));

    /// <summary>PASS: the gate opens.</summary>
    public static readonly PromptEntry Pass = new(
        "pass",
        PromptKind.Pass,
        Headline: new("请通行", "Please pass"),
        Body: null,
        Hint: null,
        Spoken: new("体温正常，请通行", "Temperature normal. Please pass."));

    /// <summary>Document mode: place your own ID card on the reader (identity.md, the <c>place_card</c> screen).</summary>
    public static readonly PromptEntry PlaceCard = new(
        "place-card",
        PromptKind.PlaceCard,
        Headline: new("请将身份证放在读卡区", "Place your ID card on the reader"),
        Body: null,
        Hint: new("核验身份：请使用本人身份证", "Identity check: use your own ID card"),
        Spoken: new("请将身份证放在读卡区", "Please place your ID card on the reader."));

    /// <summary>The kiosk cannot decide (stale color data or a clock fault): checks paused.</summary>
    public static readonly PromptEntry Offline = new(
        "offline",
        PromptKind.Offline,
        Headline: new("暂停核验", "Checks paused"),
        Body: new("数据未同步或时钟异常，请联系工作人员", "Data not up to date or clock fault: please see staff"),
        Hint: null,
        Spoken: new("暂停核验，请联系工作人员", "Checks paused. Please see staff."));

    /// <summary>A device the checkpoint needs has failed: please see staff.</summary>
    public static readonly PromptEntry Fault = new(
        "fault",
        PromptKind.Fault,
        Headline: new("设备故障", "Device fault"),
        Body: SeeStaff,
        Hint: null,
        Spoken: new("设备故障，请联系工作人员", "Device fault. Please see staff."));

    /// <summary>The assist button was pressed: staff have been notified (shown for a few seconds, then the screen returns).</summary>
    public static readonly PromptEntry Assist = new(
        "assist",
        PromptKind.Assist,
        Headline: new("已通知工作人员", "Staff have been notified"),
        Body: new("请稍候", "Please wait"),
        Hint: null,
        Spoken: new("已通知工作人员，请稍候", "Staff have been notified. Please wait."));

    /// <summary>The measured temperature's note on the PASS screen (<c>36.6 °C 体温正常</c>), as the PASS clip says it.</summary>
    public static readonly PromptText TemperatureNormal = new("体温正常", "Temperature normal");

    /// <summary>REFER: a staff member will help (no more specific message applies).</summary>
    public static readonly PromptEntry ReferSeeStaff = Refer(
        "refer-see-staff",
        ReferMessage.SeeStaff,
        new("工作人员将为您服务", "A staff member will help you"),
        new("请联系工作人员，工作人员将为您服务", "Please see staff. A staff member will help you."));

    /// <summary>REFER: the QR is not a health code.</summary>
    public static readonly PromptEntry ReferCodeNotRecognized = Refer(
        "refer-code-not-recognized",
        ReferMessage.CodeNotRecognized,
        new("未识别到健康码", "This is not a health code"),
        new("未识别到健康码，请联系工作人员", "This is not a health code. Please see staff."));

    /// <summary>REFER: the code could not be verified.</summary>
    public static readonly PromptEntry ReferCodeNotVerified = Refer(
        "refer-code-not-verified",
        ReferMessage.CodeNotVerified,
        new("健康码无法核验", "The code could not be verified"),
        new("健康码无法核验，请联系工作人员", "The code could not be verified. Please see staff."));

    /// <summary>REFER: the code is out of date, refresh it.</summary>
    public static readonly PromptEntry ReferCodeExpired = Refer(
        "refer-code-expired",
        ReferMessage.CodeExpired,
        new("健康码已过期，请刷新后再试", "The code is out of date: please refresh it"),
        new("健康码已过期，请刷新后再试", "The code is out of date: please refresh it."));

    /// <summary>REFER: the code is not valid yet, check the phone's clock.</summary>
    public static readonly PromptEntry ReferCodeNotYetValid = Refer(
        "refer-code-not-yet-valid",
        ReferMessage.CodeNotYetValid,
        new("健康码尚未生效，请检查手机时间", "The code is not valid yet: check your phone's clock"),
        new("健康码尚未生效，请检查手机时间", "The code is not valid yet: check your phone's clock."));

    /// <summary>REFER: the temperature could not be taken.</summary>
    public static readonly PromptEntry ReferTemperatureNotTaken = Refer(
        "refer-temperature-not-taken",
        ReferMessage.TemperatureNotTaken,
        new("未能测量体温", "Your temperature could not be taken"),
        new("未能测量体温，请联系工作人员", "Your temperature could not be taken. Please see staff."));

    /// <summary>REFER: a further check is needed (a color outcome and a high temperature alike).</summary>
    public static readonly PromptEntry ReferFurtherCheck = Refer(
        "refer-further-check",
        ReferMessage.FurtherCheck,
        new("需要进一步核验", "A further check is needed"),
        new("需要进一步核验，请联系工作人员", "A further check is needed. Please see staff."));

    /// <summary>REFER: the ID card does not match the code (identity.md 7b).</summary>
    public static readonly PromptEntry ReferIdentityMismatch = Refer(
        "refer-identity-mismatch",
        ReferMessage.CardMismatch,
        new("身份证与健康码不一致", "The ID card does not match the code"),
        new("身份证与健康码不一致，请联系工作人员", "The ID card does not match the code. Please see staff."));

    /// <summary>REFER: no valid card of the holder confirmed the code (identity.md 7a).</summary>
    public static readonly PromptEntry ReferIdentityUnconfirmed = Refer(
        "refer-identity-unconfirmed",
        ReferMessage.IdentityNotConfirmed,
        new("未能核验本人身份证", "Your ID card could not confirm the code"),
        new("未能核验本人身份证，请联系工作人员", "Your ID card could not confirm the code. Please see staff."));

    /// <summary>REFER: the card could not be read (identity.md C1).</summary>
    public static readonly PromptEntry ReferDocumentInvalid = Refer(
        "refer-document-invalid",
        ReferMessage.CardUnreadable,
        new("身份证无法读取", "The ID card could not be read"),
        new("身份证无法读取，请联系工作人员", "The ID card could not be read. Please see staff."));

    /// <summary>REFER: the card is out of date (identity.md C3).</summary>
    public static readonly PromptEntry ReferDocumentExpired = Refer(
        "refer-document-expired",
        ReferMessage.CardOutOfDate,
        new("身份证已过有效期", "The ID card is out of date"),
        new("身份证已过有效期，请联系工作人员", "The ID card is out of date. Please see staff."));

    /// <summary>REFER: no record for the card (identity.md C5).</summary>
    public static readonly PromptEntry ReferNoRecord = Refer(
        "refer-no-record",
        ReferMessage.NoRecord,
        new("未查询到记录，请联系工作人员", "No record found: please see staff"),
        new("未查询到记录，请联系工作人员", "No record found: please see staff."));

    /// <summary>Every prompt, each with a voice clip in both languages (<c>kiosk speak</c> lists them in this order).</summary>
    public static IReadOnlyList<PromptEntry> All { get; } =
    [
        Idle, IdleCard, Aiming, Measuring, Pass, PlaceCard, Offline, Fault, Assist,
        ReferSeeStaff, ReferCodeNotRecognized, ReferCodeNotVerified, ReferCodeExpired, ReferCodeNotYetValid,
        ReferTemperatureNotTaken, ReferFurtherCheck,
        ReferIdentityMismatch, ReferIdentityUnconfirmed, ReferDocumentInvalid, ReferDocumentExpired, ReferNoRecord,
    ];

    /// <summary>What the checkpoint tells the visitor now: the row of the prompt's kind, of a REFER's reason (as its
    /// neutral message) and of an idle prompt's card offer.</summary>
    public static PromptEntry For(VisitorPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Find(prompt.Kind, prompt.Kind == PromptKind.Refer ? ReferMessageFor(prompt.Reason) : null, prompt.OffersCard);
    }

    /// <summary>
    /// The row of a screen: <paramref name="refer"/> counts on a REFER screen only (none = <see cref="ReferMessage.SeeStaff"/>),
    /// <paramref name="offersCard"/> on the idle screen only.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No row has them (a test keeps every kind and message in the table).</exception>
    public static PromptEntry Find(PromptKind kind, ReferMessage? refer = null, bool offersCard = false)
    {
        refer = kind == PromptKind.Refer ? refer ?? ReferMessage.SeeStaff : null;
        offersCard = kind == PromptKind.Idle && offersCard;
        foreach (var entry in All)
        {
            if (entry.Kind == kind && entry.Refer == refer && entry.OffersCard == offersCard)
            {
                return entry;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, $"no prompt for {kind}{(refer is null ? string.Empty : $"/{refer}")}");
    }

    /// <summary>The prompt named <paramref name="name"/> (<c>pass</c>, <c>refer-further-check</c>, ...); null when none is.</summary>
    public static PromptEntry? Named(string name)
    {
        foreach (var entry in All)
        {
            if (entry.Name == name)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// The neutral message of a REFER's reason: the only place where a reason meets what the visitor is told, and a
    /// color never does. A color and a high temperature read alike ("a further check is needed"); the identity reasons
    /// say what the visitor can act on (the card does not match, could not be read, is out of date, has no record).
    /// </summary>
    public static ReferMessage ReferMessageFor(Reason? reason) => reason switch
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

    private static PromptEntry Refer(string name, ReferMessage message, PromptText body, PromptText spoken) =>
        new(name, PromptKind.Refer, SeeStaff, body, Hint: null, spoken, message);
}
