namespace Kiosk.Drivers.Mlx90614;

/// <summary>Counters of one <see cref="Mlx90614Sensor"/> since it was created (a snapshot).</summary>
/// <param name="Transfers">Read transfers attempted (each attempt counts).</param>
/// <param name="BusErrors">Attempts that threw on the bus (NACK, timeout).</param>
/// <param name="PecMismatches">Attempts whose PEC did not match.</param>
/// <param name="ErrorFlags">Attempts whose temperature word had bit 15 set.</param>
/// <param name="OutOfRange">Attempts whose value passed PEC but lay outside the chip's range.</param>
/// <param name="FailedReads">Reads that failed after every attempt.</param>
public readonly record struct Mlx90614Statistics(
    long Transfers,
    long BusErrors,
    long PecMismatches,
    long ErrorFlags,
    long OutOfRange,
    long FailedReads)
{
    /// <summary>Attempts rejected for any reason.</summary>
    public long Rejected => BusErrors + PecMismatches + ErrorFlags + OutOfRange;
}
