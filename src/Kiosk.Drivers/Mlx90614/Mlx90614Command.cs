namespace Kiosk.Drivers.Mlx90614;

/// <summary>Other SMBus commands of the MLX90614.</summary>
public enum Mlx90614Command : byte
{
    /// <summary>Read flags (EEBUSY, EE_DEAD, INIT).</summary>
    ReadFlags = 0xF0,

    /// <summary>Enter sleep mode.</summary>
    EnterSleep = 0xFF,
}
