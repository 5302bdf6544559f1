using Kiosk.Display;

namespace Kiosk.Display.Tests;

/// <summary>The screens the golden images are made of: fixed clock and data, so renders are reproducible.</summary>
internal static class ScreenSamples
{
    public static readonly StatusStrip Status = new(new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.FromHours(8)), Online: true, "12 min", "kiosk-01");

    public static readonly StatusStrip OfflineStatus = new(new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.FromHours(8)), Online: false, null, "kiosk-01");

    /// <summary>Golden name → model.</summary>
    public static IReadOnlyDictionary<string, ScreenModel> Golden { get; } = new Dictionary<string, ScreenModel>
    {
        ["idle"] = new(ScreenKind.Idle, Status),
        ["measuring"] = new(ScreenKind.Measuring, Status),
        ["pass"] = new(ScreenKind.Pass, Status, MaskedName: "王*明"),
        ["pass-proxy"] = new(ScreenKind.Pass, Status, MaskedName: "李*", Proxy: true),
        ["refer"] = new(ScreenKind.Refer, Status, MaskedName: "王*明", Refer: ReferMessage.FurtherCheck),
        ["refer-not-a-code"] = new(ScreenKind.Refer, Status, Refer: ReferMessage.CodeNotRecognized),
        ["offline"] = new(ScreenKind.Offline, OfflineStatus, Detail: "feed data 30 h old"),
        ["fault"] = new(ScreenKind.Fault, Status, Detail: "thermometer"),
        ["place-card"] = new(ScreenKind.PlaceCard, Status, MaskedName: "王*明"),
        ["idle-card"] = new(ScreenKind.Idle, Status, OffersCard: true),
        ["refer-card-mismatch"] = new(ScreenKind.Refer, Status, MaskedName: "王*明", Refer: ReferMessage.CardMismatch),
        ["refer-no-record"] = new(ScreenKind.Refer, Status, MaskedName: "欧**明", Refer: ReferMessage.NoRecord),
    };

    /// <summary>Every screen, every language, every refer message, with and without a name and the 代 mark.</summary>
    public static IEnumerable<ScreenModel> All()
    {
        foreach (var lang in Enum.GetValues<ScreenLanguage>())
        {
            foreach (var kind in Enum.GetValues<ScreenKind>())
            {
                yield return new ScreenModel(kind, Status, Language: lang);
            }

            foreach (var refer in Enum.GetValues<ReferMessage>())
            {
                yield return new ScreenModel(ScreenKind.Refer, OfflineStatus, MaskedName: "欧阳*华", Proxy: true, Refer: refer, Language: lang);
            }

            yield return new ScreenModel(ScreenKind.Pass, Status, MaskedName: "张*", Proxy: true, Language: lang);
            yield return new ScreenModel(ScreenKind.PlaceCard, Status, MaskedName: "王*明", Proxy: true, Language: lang);
            yield return new ScreenModel(ScreenKind.Idle, Status, Language: lang, OffersCard: true);
        }
    }
}
