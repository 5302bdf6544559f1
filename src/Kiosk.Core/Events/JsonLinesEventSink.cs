namespace Kiosk.Core.Events;

/// <summary>
/// <c>--events FILE</c>: one JSON line per decision, the same object the kiosk publishes on
/// <c>event/decision</c>. Each line is flushed as it is written; the first write error is kept (<see cref="Failure"/>) and
/// every later line refused, so the run that owns the file can end on it instead of reporting success.
/// </summary>
public sealed class JsonLinesEventSink : IEventSink, IDisposable
{
    private readonly object _gate = new();
    private readonly StreamWriter _writer;
    private IOException? _failure;
    private bool _disposed;

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
            if (_failure is not null)
            {
                // A file that lost a line is not written again: the lines after the gap would read as complete.
                throw new IOException(_failure.Message, _failure);
            }

            try
            {
                // Written and flushed to the OS line by line: a failed write is this call's, never a later flush's.
                _writer.WriteLine(line);
                _writer.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
            {
                _failure ??= ex as IOException ?? new IOException(ex.Message, ex);
                throw;
            }
        }
    }

    /// <summary>
    /// The first write that failed (a full disk, <c>/dev/full</c>), if any, whether in <see cref="Publish"/> or in the final
    /// flush of <see cref="Dispose"/>: the run that owns the file checks it after disposal and stops on it.
    /// </summary>
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

    /// <summary>Flushes and closes the file; a failure here is kept in <see cref="Failure"/> (disposal does not throw).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                _writer.Dispose();
            }
            catch (IOException ex)
            {
                // The buffered bytes of a failed line are flushed again here and fail again: the first failure stands.
                _failure ??= ex;
            }
        }
    }
}
