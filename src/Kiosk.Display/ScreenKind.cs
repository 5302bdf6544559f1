namespace Kiosk.Display;

/// <summary>Which screen the visitor sees.</summary>
public enum ScreenKind
{
    /// <summary>Show your code; no code? see staff with an ID document.</summary>
    Idle,

    /// <summary>Hold still, forehead to the sensor.</summary>
    Measuring,

    /// <summary>请通行 / Please pass, with the masked name.</summary>
    Pass,

    /// <summary>请联系工作人员 / Please see staff, with a neutral message.</summary>
    Refer,

    /// <summary>Color data stale or clock fault: the kiosk cannot decide.</summary>
    Offline,

    /// <summary>A device fault.</summary>
    Fault,

    /// <summary>请将身份证放在读卡区 / Place your ID card on the reader (identity.md, document mode).</summary>
    PlaceCard,
}
