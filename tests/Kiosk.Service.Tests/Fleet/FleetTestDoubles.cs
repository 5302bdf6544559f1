using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Fleet;

namespace Kiosk.Service.Tests.Fleet;

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
