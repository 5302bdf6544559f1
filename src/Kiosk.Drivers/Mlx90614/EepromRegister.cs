namespace Kiosk.Drivers.Mlx90614;

/// <summary>
/// EEPROM access commands of the MLX90614 (opcode <c>001x xxxx</c>, the low five bits are the EEPROM address).
/// The value of each member is the command byte on the bus.
/// </summary>
public enum EepromRegister : byte
{
    /// <summary>T<sub>O</sub> max (0x00), PWM range.</summary>
    ToMax = 0x20,

    /// <summary>T<sub>O</sub> min (0x01), PWM range.</summary>
    ToMin = 0x21,

    /// <summary>PWM control (0x02).</summary>
    PwmCtrl = 0x22,

    /// <summary>T<sub>A</sub> range (0x03).</summary>
    TaRange = 0x23,

    /// <summary>Emissivity correction coefficient (0x04): <c>round(65535 × ε)</c>, factory default 0xFFFF (ε = 1.0).</summary>
    Emissivity = 0x24,

    /// <summary>Config register 1 (0x05): IIR/FIR filter settings, gain, zones.</summary>
    ConfigRegister1 = 0x25,

    /// <summary>SMBus slave address (0x0E), low byte; factory default 0x5A.</summary>
    SmbusAddress = 0x2E,

    /// <summary>ID number, word 1 (0x1C), read only.</summary>
    IdNumber1 = 0x3C,

    /// <summary>ID number, word 2 (0x1D), read only.</summary>
    IdNumber2 = 0x3D,

    /// <summary>ID number, word 3 (0x1E), read only.</summary>
    IdNumber3 = 0x3E,

    /// <summary>ID number, word 4 (0x1F), read only.</summary>
    IdNumber4 = 0x3F,
}
