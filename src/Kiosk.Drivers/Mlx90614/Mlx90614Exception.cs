namespace Kiosk.Drivers.Mlx90614;

/// <summary>A read or write of the MLX90614 failed after all attempts.</summary>
public sealed class Mlx90614Exception : IOException
{
    /// <summary>Creates the exception.</summary>
    public Mlx90614Exception(Mlx90614ReadStatus status, string message, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
    }

    /// <summary>The outcome of the last attempt.</summary>
    public Mlx90614ReadStatus Status { get; }
}
