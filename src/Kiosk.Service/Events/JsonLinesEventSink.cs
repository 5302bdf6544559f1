namespace Kiosk.Service.Events;

/// <summary>
/// <c>--events FILE</c>: one JSON line per decision, the same object the kiosk publishes on
/// <c>event/decision</c>. Each line is flushed as it is written.
/// </summary>
public sealed class JsonLinesEventSink : IEventSink, IDisposable
{
    private readonly object _gate = new();
    private readonly StreamWriter _writer;

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
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}
