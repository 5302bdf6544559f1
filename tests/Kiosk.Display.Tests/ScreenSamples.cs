
namespace Kiosk.Display.Tests;

/// <summary>
/// The screens the golden images are made of, as the display receives them: fixed clock and data, so renders are
/// reproducible. They are the kiosk's own screens (words from Kiosk.Core's PromptTable, looks from Kiosk.Devices'
/// ScreenLook), written out here because the display's tests see only the display;
/// tests/Kiosk.Service.Tests/Screen/ScreenGoldenTests draws the kiosk's prompts themselves against the same images.
/// </summary>
internal static class ScreenSamples
{
    public static readonly StatusStrip Status = new(new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.FromHours(8)), Online: true, "12 min", "kiosk-01");

    public static readonly StatusStrip OfflineStatus = new(new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.FromHours(8)), Online: false, null, "kiosk-01");

    private static readonly Bilingual SeeStaff = new("请联系工作人员", "Please see staff");

    public static readonly Bilingual FurtherCheck = new("需要进一步核验", "A further check is needed");

    public static readonly Bilingual NotACode = new("未识别到健康码", "This is not a health code");

    public static readonly Bilingual CardMismatch = new("身份证与健康码不一致", "The ID card does not match the code");

    public static readonly Bilingual NoRecord = new("未查询到记录，请联系工作人员", "No record found: please see staff");

    /// <summary>Golden name → model.</summary>
    public static IReadOnlyDictionary<string, ScreenModel> Golden { get; } = new Dictionary<string, ScreenModel>
    {
        ["idle"] = Idle(),
        ["measuring"] = Measuring(),
        ["pass"] = Pass("王*明"),
        ["pass-proxy"] = Pass("李*", proxy: true),
        ["refer"] = Refer(FurtherCheck, "王*明"),
        ["refer-not-a-code"] = Refer(NotACode),
        ["offline"] = Offline("feed data 30 h old") with { Status = OfflineStatus },
        ["fault"] = Fault("thermometer"),
        ["place-card"] = PlaceCard("王*明"),
        ["idle-card"] = Idle(offersCard: true),
        ["refer-card-mismatch"] = Refer(CardMismatch, "王*明"),
        ["refer-no-record"] = Refer(NoRecord, "欧**明"),
    };

    public static ScreenModel Idle(bool offersCard = false) => new(
        ScreenIcon.QrCode,
        ScreenTone.Blue,
        Status,
        ScreenLine.Headline(new("请出示健康码", "Please show your health code"), 0.8f, 0.9f),
        [
            ScreenLine.Body(offersCard ? new("没有健康码？请刷身份证", "No code? Place your ID card on the reader") : new("没有健康码？请持有效身份证件联系工作人员", "No code? Please see staff with a valid ID document"), 0.045f),
            ScreenLine.Hint(new("将二维码对准摄像头", "Hold the QR code up to the camera"), 0.035f),
        ]);

    public static ScreenModel Measuring() => new(
        ScreenIcon.Thermometer,
        ScreenTone.SteelBlue,
        Status,
        ScreenLine.Headline(new("正在测量体温", "Taking your temperature"), 0.8f, 0.9f),
        [ScreenLine.Body(new("请保持不动，额头靠近测温器", "Hold still, forehead to the sensor"), 0.05f, 1.1f)]);

    public static ScreenModel PlaceCard(string? maskedName, bool proxy = false) => new(
        ScreenIcon.CardOnReader,
        ScreenTone.SteelBlue,
        Status,
        ScreenLine.Headline(new("请将身份证放在读卡区", "Place your ID card on the reader"), 0.7f, 0.85f),
        [ScreenLine.Hint(new("核验身份：请使用本人身份证", "Identity check: use your own ID card"), 0.04f)],
        maskedName,
        proxy);

    public static ScreenModel Pass(string? maskedName, bool proxy = false) => new(
        ScreenIcon.Check,
        ScreenTone.PaleBlue,
        Status,
        ScreenLine.Headline(new("请通行", "Please pass"), 1.2f, 1.1f),
        [],
        maskedName,
        proxy);

    public static ScreenModel Refer(Bilingual message, string? maskedName = null, bool proxy = false) => new(
        ScreenIcon.RaisedHand,
        ScreenTone.Ink,
        Status,
        ScreenLine.Headline(SeeStaff),
        [ScreenLine.Body(message, 0.045f)],
        maskedName,
        proxy);

    public static ScreenModel Offline(string? detail) => new(
        ScreenIcon.Pause,
        ScreenTone.Grey,
        Status,
        ScreenLine.Headline(new("暂停核验", "Checks paused")),
        [ScreenLine.Body(new("数据未同步或时钟异常，请联系工作人员", "Data not up to date or clock fault: please see staff"), 0.045f)],
        Detail: detail);

    public static ScreenModel Fault(string? detail) => new(
        ScreenIcon.Warning,
        ScreenTone.NearBlack,
        Status,
        ScreenLine.Headline(new("设备故障", "Device fault")),
        [ScreenLine.Body(SeeStaff, 0.045f)],
        Detail: detail);

    /// <summary>Every sample screen in every language, with and without a name and the 代 mark, and every icon on every background.</summary>
    public static IEnumerable<ScreenModel> All()
    {
        foreach (var lang in Enum.GetValues<ScreenLanguage>())
        {
            foreach (var model in Golden.Values)
            {
                yield return model with { Language = lang };
            }

            yield return Refer(FurtherCheck, "欧阳*华", proxy: true) with { Status = OfflineStatus, Language = lang };
            yield return Pass("张*", proxy: true) with { Language = lang };
            yield return PlaceCard("王*明", proxy: true) with { Language = lang };
        }

        foreach (var tone in Enum.GetValues<ScreenTone>())
        {
            foreach (var icon in Enum.GetValues<ScreenIcon>())
            {
                yield return Fault(null) with { Icon = icon, Tone = tone };
            }
        }
    }

    /// <summary>Every string the sample screens draw.</summary>
    public static IEnumerable<string> Strings() =>
        Golden.Values.SelectMany(m => m.Lines.Prepend(m.Headline)).SelectMany(l => new[] { l.Text.Zh, l.Text.En }).Distinct();
}
