namespace Kiosk.Drivers.Mlx90614;

/// <summary>Faults <see cref="Mlx90614Emulator"/> can inject into a transfer.</summary>
[Flags]
public enum Mlx90614Fault
{
    /// <summary>No fault.</summary>
    None = 0,

    /// <summary>The chip does not acknowledge: the transfer throws <see cref="IOException"/>, as the Linux I²C driver does (EREMOTEIO/ENXIO).</summary>
    Nack = 1 << 0,

    /// <summary>One bit of LSB, MSB or PEC flips on the wire after the chip computed the PEC (a PEC mismatch for the master).</summary>
    WrongPec = 1 << 1,

    /// <summary>The chip reports a temperature word (T<sub>A</sub>, T<sub>OBJ1</sub>, T<sub>OBJ2</sub>) as 0x8000, error flag (bit 15) set, with a correct PEC; other reads are unaffected.</summary>
    ErrorFlag = 1 << 2,

    /// <summary>
    /// The chip's RAM stops refreshing for <see cref="Mlx90614Emulator.StuckDuration"/>: reads return the frozen
    /// value with a correct PEC. Undetectable per transfer.
    /// </summary>
    StuckValue = 1 << 3,

    /// <summary>The bus times out (clock stretched too long): the transfer throws <see cref="IOException"/> (ETIMEDOUT).</summary>
    BusTimeout = 1 << 4,

    /// <summary>Every kind that makes one transfer fail or carry bad data (not <see cref="StuckValue"/>).</summary>
    TransferFaults = Nack | WrongPec | ErrorFlag | BusTimeout,

    /// <summary>Every kind.</summary>
    All = TransferFaults | StuckValue,
}
