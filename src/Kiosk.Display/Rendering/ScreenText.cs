namespace Kiosk.Display.Rendering;

/// <summary>
/// The display's own strings: the status strip and the "代" mark beside a name. What a screen says to the visitor is
/// handed to the display in its <see cref="ScreenModel"/> (the kiosk's prompt table, Kiosk.Core <c>PromptTable</c>).
/// The font subset (Fonts/subset-font.sh) takes its Chinese characters from this file and that table, so a new
/// character here needs a re-run of the subset script. No string names or hints at a health color.
/// </summary>
public static class ScreenText
{
    /// <summary>Label of the "代" mark (the code was set up on the holder's behalf).</summary>
    public static readonly Bilingual ProxyMark = new("代", "On behalf");

    /// <summary>Explanation beside the "代" mark.</summary>
    public static readonly Bilingual ProxyNote = new("代为申领", "Code held on behalf of the holder");

    /// <summary>Status strip: connected to the fleet broker.</summary>
    public static readonly Bilingual StatusOnline = new("在线", "online");

    /// <summary>Status strip: not connected.</summary>
    public static readonly Bilingual StatusOffline = new("离线", "offline");

    /// <summary>Status strip: data freshness label.</summary>
    public static readonly Bilingual StatusData = new("数据", "data");

    /// <summary>Status strip: never synced.</summary>
    public static readonly Bilingual StatusNeverSynced = new("未同步", "never");
}
