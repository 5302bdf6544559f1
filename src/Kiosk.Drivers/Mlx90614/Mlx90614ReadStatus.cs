namespace Kiosk.Drivers.Mlx90614;

/// <summary>How a read transaction ended (the last attempt's outcome when every attempt failed).</summary>
public enum Mlx90614ReadStatus
{
    /// <summary>PEC matched, error flag clear, value inside the chip's range.</summary>
    Ok,

    /// <summary>The transfer failed on the bus (NACK, arbitration loss, timeout): an <see cref="IOException"/> or <see cref="TimeoutException"/>.</summary>
    BusError,

    /// <summary>The received PEC did not match the CRC-8 of the transaction.</summary>
    PecMismatch,

    /// <summary>Bit 15 (the error flag) of a temperature word was set.</summary>
    ErrorFlag,

    /// <summary>The value passed PEC but lies outside the chip's measurement range (T<sub>A</sub> −40…125 °C, T<sub>O</sub> −70…380 °C).</summary>
    OutOfRange,

    /// <summary>An EEPROM write was accepted but the cell reads back a different value.</summary>
    VerifyFailed,
}
