using System.Collections.Concurrent;
using HealthCode.Formats;
using Kiosk.Service.Checkpoint;
using Kiosk.Service.Events;
using Kiosk.Service.Fleet;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>Counts what the fleet asked of the gate.</summary>
internal sealed class CountingIndicators : IIndicators
{
    private int _gateOpened;

    public int GateOpened => Volatile.Read(ref _gateOpened);

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

    public void OpenGate() => Interlocked.Increment(ref _gateOpened);
}

/// <summary>A color store that only has a state (the fleet reads nothing else).</summary>
internal sealed class FixedColorStore(ColorDataState state) : IColorStore
{
    public ColorDataState State { get; set; } = state;

    public bool TryLookup(string issuer, CodeId id, out HealthColor color, out long colorTime)
    {
        color = HealthColor.Green;
        colorTime = 0;
        return false;
    }

    public bool TryLookupDocument(HealthCode.Formats.Identity.DocRef docRef, out HealthColor color, out long colorTime)
    {
        color = HealthColor.Green;
        colorTime = 0;
        return false;
    }
}

/// <summary>Keeps every event handed to the sinks, in order.</summary>
internal sealed class RecordingSink : IEventSink
{
    public ConcurrentQueue<KioskEvent> Events { get; } = new();

    public void Publish(KioskEvent kioskEvent) => Events.Enqueue(kioskEvent);
}

/// <summary>A self test that can be held until released (to keep the command worker busy).</summary>
internal sealed class GatedSelfTest : ISelfTest
{
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<IReadOnlyDictionary<string, string>> RunAsync(CancellationToken cancellationToken)
    {
        Started.TrySetResult();
        await Release.Task.WaitAsync(cancellationToken);
        return new Dictionary<string, string> { ["camera"] = "ok", ["thermometer"] = "ok", ["gate"] = "ok" };
    }
}

/// <summary>A screen that always captures the same PNG bytes.</summary>
internal sealed class FixedScreenshot(byte[] png) : IScreenshotSource
{
    public byte[]? CapturePng() => png;
}

/// <summary>A resync that completes at once and counts.</summary>
internal sealed class CountingResync : IColorResync
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public Task ResyncAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return Task.CompletedTask;
    }
}

/// <summary>Decision records built by hand, with a known name and id, for the privacy and delivery tests.</summary>
internal static class Decisions
{
    public const string Issuer = "CN-HL";
    public const string MaskedName = "王*明";
    public static readonly CodeId Id = new(0x0123456789ABCDEF, 0xFEDCBA9876543210);

    public static DecisionRecord Valid(DateTimeOffset at, Decision decision, HealthColor color = HealthColor.Green, double? temperature = 36.6, CodeId? id = null) =>
        new(decision, new VerifiedCode(CodeVerdict.Valid, Issuer, new HealthCodeClaim(id ?? Id, color, 1_700_000_000, MaskedName, false)),
            temperature is { } t ? new TemperatureResult(t, null, 22.5, false) : null, at.AddMilliseconds(-180), at);

    public static DecisionRecord Pass(DateTimeOffset at) => Valid(at, new Decision(Outcome.Pass, Reason.Ok));
}
