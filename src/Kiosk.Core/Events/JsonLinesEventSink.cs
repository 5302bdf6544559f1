namespace Kiosk.Core.Events;

/// <summary>
/// <c>--events FILE</c>: one JSON line per decision, the same object the kiosk publishes on
/// <c>event/decision</c>. Each line is flushed as it is written.
/// </summary>
public sealed class JsonLinesEventSink : IEventSink, IDisposable
{
    private readonly object _gate = new();
    private readonly StreamWriter _writer;
    private IOException? _failure;

    public JsonLinesEventSink(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _writer = new StreamWriter(new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read)) { NewLine = "\n" };
    }

    public void Publish(KioskEvent kioskEvent)
    {
        if (kioskEvent is not DecisionEvent)
        {
            return;
        }

        var line = EventJson.Serialize(kioskEvent);
        lock (_gate)
        {
            try
            {
                _writer.WriteLine(line);
                _writer.Flush();
            }
            catch (IOException ex)
            {
                _failure ??= ex;
                throw;
            }
        }
    }

    /// <summary>The first write that failed (a full disk, <c>/dev/full</c>), if any: the run that owns the file stops on it.</summary>
    public IOException? Failure
    {
        get
        {
            lock (_gate)
            {
                return _failure;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            try
            {
                _writer.Dispose();
            }
            catch (IOException) when (_failure is not null)
            {
                // The buffered line that failed is flushed again on disposal and fails again: already reported.
            }
        }
    }
}
