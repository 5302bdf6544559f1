namespace Kiosk.Colors;

/// <summary>Another process committed to the color store since this instance last read or wrote it, and the committed
/// state differs from the in-memory copy. Nothing was written; reload (<see cref="ColorStore.Reload"/>) and decide again.</summary>
internal sealed class ColorStoreChangedException : Exception
{
    public ColorStoreChangedException()
        : base("the color store was changed by another process")
    {
    }

    public ColorStoreChangedException(string message)
        : base(message)
    {
    }

    public ColorStoreChangedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
