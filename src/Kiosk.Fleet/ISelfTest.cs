namespace Kiosk.Fleet;

/// <summary>The fleet <c>selftest</c> command: exercise every device and report (the host implements it).</summary>
public interface ISelfTest
{
    /// <summary>Device name → result text (e.g. <c>camera</c> → <c>ok</c>, <c>thermometer</c> → <c>fault: PEC mismatch</c>).</summary>
    Task<IReadOnlyDictionary<string, string>> RunAsync(CancellationToken cancellationToken);
}
