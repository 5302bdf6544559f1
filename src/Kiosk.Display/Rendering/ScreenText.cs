namespace Kiosk.Display.Rendering;

/// <summary>
/// Every visible string of the screens. The font subset (Fonts/subset-font.sh) takes its Chinese characters from this
/// file, so a new string here needs a re-run of the subset script. No string names or hints at a health color.
/// </summary>
public static class ScreenText
{
    /// <summary>Headline of the idle screen.</summary>
    public static readonly Bilingual IdleHeadline = new("请出示健康码", "Please show your health code");

    /// <summary>Second line of the idle screen.</summary>
    public static readonly Bilingual IdleNoCode = new("没有健康码？请持有效身份证件联系工作人员", "No code? Please see staff with a valid ID document");

    /// <summary>Second line of the idle screen when an ID card reader is configured.</summary>
    public static readonly Bilingual IdleNoCodeCard = new("没有健康码？请刷身份证", "No code? Place your ID card on the reader");

    /// <summary>Hint under the idle lines.</summary>
    public static readonly Bilingual IdleHint = new("将二维码对准摄像头", "Hold the QR code up to the camera");

    /// <summary>Headline of the measuring screen.</summary>
    public static readonly Bilingual MeasuringHeadline = new("正在测量体温", "Taking your temperature");

    /// <summary>Instruction of the measuring screen.</summary>
    public static readonly Bilingual MeasuringHold = new("请保持不动，额头靠近测温器", "Hold still, forehead to the sensor");

    /// <summary>Headline of the place-card screen (document mode: the code's holder confirms it with the card).</summary>
    public static readonly Bilingual PlaceCardHeadline = new("请将身份证放在读卡区", "Place your ID card on the reader");

    /// <summary>Hint of the place-card screen.</summary>
    public static readonly Bilingual PlaceCardHint = new("核验身份：请使用本人身份证", "Identity check: use your own ID card");

    /// <summary>Headline of the PASS screen.</summary>
    public static readonly Bilingual PassHeadline = new("请通行", "Please pass");

    /// <summary>Headline of the REFER screen.</summary>
    public static readonly Bilingual ReferHeadline = new("请联系工作人员", "Please see staff");

    /// <summary>Label of the "代" mark (the code was set up on the holder's behalf).</summary>
    public static readonly Bilingual ProxyMark = new("代", "On behalf");

    /// <summary>Explanation beside the "代" mark.</summary>
    public static readonly Bilingual ProxyNote = new("代为申领", "Code held on behalf of the holder");

    /// <summary>Headline of the offline screen.</summary>
    public static readonly Bilingual OfflineHeadline = new("暂停核验", "Checks paused");

    /// <summary>Body of the offline screen.</summary>
    public static readonly Bilingual OfflineBody = new("数据未同步或时钟异常，请联系工作人员", "Data not up to date or clock fault: please see staff");

    /// <summary>Headline of the fault screen.</summary>
    public static readonly Bilingual FaultHeadline = new("设备故障", "Device fault");

    /// <summary>Body of the fault screen.</summary>
    public static readonly Bilingual FaultBody = new("请联系工作人员", "Please see staff");

    /// <summary>Status strip: connected to the fleet broker.</summary>
    public static readonly Bilingual StatusOnline = new("在线", "online");

    /// <summary>Status strip: not connected.</summary>
    public static readonly Bilingual StatusOffline = new("离线", "offline");

    /// <summary>Status strip: data freshness label.</summary>
    public static readonly Bilingual StatusData = new("数据", "data");

    /// <summary>Status strip: never synced.</summary>
    public static readonly Bilingual StatusNeverSynced = new("未同步", "never");

    /// <summary>The neutral sub-message of a REFER screen; none reveals a color.</summary>
    public static Bilingual ReferText(ReferMessage message) => message switch
    {
        ReferMessage.CodeNotRecognized => new("未识别到健康码", "This is not a health code"),
        ReferMessage.CodeNotVerified => new("健康码无法核验", "The code could not be verified"),
        ReferMessage.CodeExpired => new("健康码已过期，请刷新后再试", "The code is out of date: please refresh it"),
        ReferMessage.CodeNotYetValid => new("健康码尚未生效，请检查手机时间", "The code is not valid yet: check your phone's clock"),
        ReferMessage.TemperatureNotTaken => new("未能测量体温", "Your temperature could not be taken"),
        ReferMessage.FurtherCheck => new("需要进一步核验", "A further check is needed"),
        ReferMessage.CardMismatch => new("身份证与健康码不一致", "The ID card does not match the code"),
        ReferMessage.IdentityNotConfirmed => new("未能核验本人身份证", "Your ID card could not confirm the code"),
        ReferMessage.CardUnreadable => new("身份证无法读取", "The ID card could not be read"),
        ReferMessage.CardOutOfDate => new("身份证已过有效期", "The ID card is out of date"),
        ReferMessage.NoRecord => new("未查询到记录，请联系工作人员", "No record found: please see staff"),
        _ => new("工作人员将为您服务", "A staff member will help you"),
    };
}
