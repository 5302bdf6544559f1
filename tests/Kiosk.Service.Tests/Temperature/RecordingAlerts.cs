using Kiosk.Core.Checkpoint;

namespace Kiosk.Service.Tests.Temperature;

/// <summary>An <see cref="IAlerts"/> that keeps the active set and a log of calls.</summary>
internal sealed class RecordingAlerts : IAlerts
{
    private readonly HashSet<string> _active = [];

    public List<(string Call, string Kind, string Detail)> Calls { get; } = [];

    public IReadOnlyCollection<string> Active
    {
        get { lock (_active) { return _active.ToArray(); } }
    }

    public void Raise(string kind, string detail)
    {
        lock (_active)
        {
            _active.Add(kind);
            Calls.Add(("raise", kind, detail));
        }
    }

    public void Clear(string kind, string detail = "recovered")
    {
        lock (_active)
        {
            _active.Remove(kind);
            Calls.Add(("clear", kind, detail));
        }
    }

    public void Notify(string kind, string detail)
    {
        lock (_active)
        {
            Calls.Add(("notify", kind, detail));
        }
    }
}
