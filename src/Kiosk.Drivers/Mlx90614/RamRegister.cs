namespace Kiosk.Drivers.Mlx90614;

/// <summary>
/// RAM access commands of the MLX90614 (datasheet 8.4.5, "SMBus communication": opcode <c>000x xxxx</c>,
/// the low five bits are the RAM address). The value of each member is the command byte on the bus.
/// </summary>
public enum RamRegister : byte
{
    /// <summary>Raw data, IR channel 1 (0x04). Signed; no error flag.</summary>
    RawIrChannel1 = 0x04,

    /// <summary>Raw data, IR channel 2 (0x05); dual-zone parts only.</summary>
    RawIrChannel2 = 0x05,

    /// <summary>T<sub>A</sub>, the die (ambient) temperature (0x06), in 0.02 K per LSB.</summary>
    Ta = 0x06,

    /// <summary>T<sub>OBJ1</sub>, the object temperature of zone 1 (0x07), in 0.02 K per LSB; bit 15 is the error flag.</summary>
    Tobj1 = 0x07,

    /// <summary>T<sub>OBJ2</sub>, the object temperature of zone 2 (0x08); dual-zone parts only.</summary>
    Tobj2 = 0x08,
}
