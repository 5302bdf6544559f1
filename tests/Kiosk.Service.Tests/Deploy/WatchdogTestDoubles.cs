using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Deploy;

/// <summary>
/// What the watchdog did, in order: each health check (at which virtual second, with which problem) and each
/// notification sent to systemd. The watchdog loop is sequential, so after it stops the log is exact.
/// </summary>
internal sealed class WatchdogLog(TimeProvider time)
{
    private readonly DateTimeOffset _start = time.GetUtcNow();
    private readonly ConcurrentQueue<string> _entries = new();
    private readonly SemaphoreSlim _checks = new(0);

    public IReadOnlyList<string> Entries => [.. _entries];

    public void Check(string? problem)
    {
        var second = (time.GetUtcNow() - _start).TotalSeconds;
        _entries.Enqueue(problem is null ? $"check@{second:0} ok" : $"check@{second:0} {problem}");
        _checks.Release();
    }

    public void Notified(string state) => _entries.Enqueue(state);

    /// <summary>Waits until the watchdog has checked health once more (a hang guard, not a timing assertion).</summary>
    public async Task NextCheckAsync()
    {
        Assert.True(await _checks.WaitAsync(TimeSpan.FromSeconds(30)), "the watchdog did not check health");
    }
}

/// <summary>systemd's notify socket, as the watchdog sees it (Microsoft.Extensions.Hosting.Systemd's seam).</summary>
internal sealed class RecordingNotifier(WatchdogLog log) : ISystemdNotifier
{
    public bool IsEnabled => true;

    public void Notify(ServiceState state) => log.Notified(state.ToString());
}

/// <summary>A health whose problem the test sets.</summary>
internal sealed class ScriptedHealth(WatchdogLog log) : IKioskHealth
{
    private volatile string? _problem;

    public void Set(string? problem) => _problem = problem;

    public string? Problem()
    {
        var problem = _problem;
        log.Check(problem);
        return problem;
    }
}

/// <summary>Records each check of a real health.</summary>
internal sealed class RecordedHealth(IKioskHealth inner, WatchdogLog log) : IKioskHealth
{
    public string? Problem()
    {
        var problem = inner.Problem();
        log.Check(problem);
        return problem;
    }
}

/// <summary>Collects formatted log messages.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _messages = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Messages => [.. _messages];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _messages.Enqueue((logLevel, formatter(state, exception)));
}

/// <summary>Options that do not change.</summary>
internal sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}

// Port-level doubles for a CheckpointLoop whose thermometer hangs.

/// <summary>Camera sightings the test pushes.</summary>
internal sealed class PushedCodeReader : ICodeReader
{
    private readonly Channel<CodeSighting> _sightings = Channel.CreateUnbounded<CodeSighting>();

    public void Show(CodeSighting sighting) => _sightings.Writer.TryWrite(sighting);

    public async IAsyncEnumerable<CodeSighting> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Not ReadAllAsync: it resumes with ConfigureAwait(false), through the thread pool, which breaks virtual time.
        while (await _sightings.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_sightings.Reader.TryRead(out var sighting))
            {
                yield return sighting;
            }
        }
    }
}

/// <summary>Every code is a valid green code of one issuer.</summary>
internal sealed class ValidGreenVerifier : ICodeVerifier
{
    public VerifiedCode Verify(string qrText, DateTimeOffset now) =>
        new(CodeVerdict.Valid, "CN-HL", new HealthCodeClaim(new CodeId(1, 2), HealthColor.Green, 0, "Z*", Proxy: false));
}

/// <summary>Color data in sync as of a fixed time, with no record for any code.</summary>
internal sealed class InSyncColorStore(DateTimeOffset inSyncAsOf) : IColorStore
{
    public ColorDataState State { get; } = new("CN-HL", 1, inSyncAsOf, inSyncAsOf, 0, OutOfSync: false);

    public bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime)
    {
        color = default;
        colorTime = 0;
        return false;
    }

    public bool TryLookupDocument(HealthCode.Formats.Identity.DocRef docRef, out HealthColor color, out long colorTime)
    {
        color = default;
        colorTime = 0;
        return false;
    }
}

/// <summary>A thermometer whose I2C read never returns: it only ends when cancelled.</summary>
internal sealed class HungThermometer : IBodyThermometer
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public async Task<TemperatureResult> MeasureAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return TemperatureResult.Unavailable;
    }
}

internal sealed class BlankScreen : IScreen
{
    public VisitorPrompt? Current { get; private set; }

    public void Show(VisitorPrompt prompt) => Current = prompt;
}

internal sealed class SilentIndicators : IIndicators
{
    public void SignalPass()
    {
    }

    public void SignalRefer()
    {
    }

    public void SignalFault()
    {
    }

    public void Clear()
    {
    }

    public void OpenGate()
    {
    }
}

internal sealed class DiscardingReporter : IDecisionReporter
{
    public void Report(DecisionRecord record)
    {
    }
}

internal sealed class IdleStatus : IKioskStatus
{
    public StatusLine Line(DateTimeOffset now) => new(now, Online: true, TimeSpan.Zero, "kiosk-01");

    public VisitorPrompt IdlePrompt(DateTimeOffset now) => new(PromptKind.Idle, Line(now));
}
