namespace Kiosk.Colors;

/// <summary>
/// What a bulk load of the color store gives way to (issue 22: a decision during a province's apply within 20 % of idle):
/// the checkpoint deciding a visitor. Implemented by the checkpoint's side in the composition root (Kiosk.Colors knows
/// no devices); a <see cref="LoadPacer"/> asks it between chunks of the load and bounds the wait.
/// </summary>
public interface ILoadYield
{
    /// <summary>True while a load should give way (a visitor is being decided).</summary>
    bool Busy { get; }

    /// <summary>Blocks the calling (loader) thread until <see cref="Busy"/> is false or <paramref name="limit"/> has passed
    /// on the kiosk's clock.</summary>
    /// <param name="limit">The longest wait.</param>
    /// <returns>True when no longer busy; false when the limit passed first.</returns>
    bool WaitUntilFree(TimeSpan limit);
}
