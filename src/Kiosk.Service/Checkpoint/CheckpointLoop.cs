using System.Threading.Channels;
using HealthCode.Formats;
using Kiosk.Display;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Checkpoint;

/// <summary>Where the kiosk is in the flow: idle → code seen → verified → color looked up → measuring → decided → shown and acted on → reported.</summary>
public enum CheckpointPhase
{
    Idle,
    CodeSeen,
    Verified,
    ColorLookedUp,
    Measuring,
    Decided,
    Showing,
}

/// <summary>One decision as the kiosk made it. Holds the claim for the screen; only <see cref="Checkpoint.Decision"/> and metadata leave the kiosk.</summary>
/// <param name="Decision">Outcome and reason.</param>
/// <param name="Code">The verified code (verdict, issuer, claim): never published.</param>
/// <param name="Temperature">The measurement, when rules 8-10 ran.</param>
/// <param name="SeenAt">When the code was first in view.</param>
/// <param name="DecidedAt">When the decision was made.</param>
public sealed record DecisionRecord(Decision Decision, VerifiedCode Code, TemperatureResult? Temperature, DateTimeOffset SeenAt, DateTimeOffset DecidedAt)
{
    public TimeSpan Latency => DecidedAt - SeenAt;

    /// <summary>The temperature that decided: the retest when there was one, else the first reading; 0.1 °C.</summary>
    public double? ReportedTemperatureC => (Temperature?.RetestC ?? Temperature?.FirstC) is { } t ? Math.Round(t, 1, MidpointRounding.AwayFromZero) : null;
}

/// <summary>Turns decisions into what leaves the kiosk (events, counters). Implemented by the event recorder.</summary>
public interface IDecisionReporter
{
    void Report(DecisionRecord record);
}

/// <summary>What the status strip and the idle screen need to know about the kiosk.</summary>
public interface IKioskStatus
{
    StatusStrip Strip(DateTimeOffset now);

    /// <summary>The screen to show when nobody is being served: idle, offline (stale data, clock) or fault.</summary>
    ScreenModel IdleScreen(DateTimeOffset now);
}

/// <summary>
/// The checkpoint as a small state machine. A pump turns camera sightings into presentations (once per
/// code in view); the loop decides each presentation with the pure <see cref="CheckpointPolicy"/>, shows and
/// acts on the result, reports it, and holds the result screen.
/// </summary>
public sealed partial class CheckpointLoop
{
    private readonly ICodeReader _reader;
    private readonly ICodeVerifier _verifier;
    private readonly IColorStore _colors;
    private readonly IBodyThermometer _thermometer;
    private readonly IScreen _screen;
    private readonly IIndicators _indicators;
    private readonly IDecisionReporter _reporter;
    private readonly IKioskStatus _status;
    private readonly IOptionsMonitor<CheckpointOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CheckpointLoop> _logger;
    private long _stageTimestamp;
    private long _frameTimestamp;
    private CheckpointPhase _phase = CheckpointPhase.Idle;

    public CheckpointLoop(
        ICodeReader reader,
        ICodeVerifier verifier,
        IColorStore colors,
        IBodyThermometer thermometer,
        IScreen screen,
        IIndicators indicators,
        IDecisionReporter reporter,
        IKioskStatus status,
        IOptionsMonitor<CheckpointOptions> options,
        TimeProvider time,
        ILogger<CheckpointLoop> logger)
    {
        _reader = reader;
        _verifier = verifier;
        _colors = colors;
        _thermometer = thermometer;
        _screen = screen;
        _indicators = indicators;
        _reporter = reporter;
        _status = status;
        _options = options;
        _time = time;
        _logger = logger;
        _stageTimestamp = time.GetTimestamp();
        _frameTimestamp = _stageTimestamp;
    }

    /// <summary>Raised after each decision has been shown, acted on and reported.</summary>
    public event Action<DecisionRecord>? Decided;

    /// <summary>Raised when the kiosk is ready for the next visitor (back to idle, or in a REFER hold that a new code ends).</summary>
    public event Action? Ready;

    public CheckpointPhase Phase
    {
        get => _phase;
        private set
        {
            _phase = value;
            Interlocked.Exchange(ref _stageTimestamp, _time.GetTimestamp());
        }
    }

    /// <summary>How long the current stage has lasted: a busy stage that lasts too long means the loop is stuck (watchdog).</summary>
    public TimeSpan StageAge => _time.GetElapsedTime(Interlocked.Read(ref _stageTimestamp));

    /// <summary>How long since the camera pump last delivered a sighting.</summary>
    public TimeSpan FrameAge => _time.GetElapsedTime(Interlocked.Read(ref _frameTimestamp));

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var presentations = Channel.CreateBounded<CodePresentation>(new BoundedChannelOptions(4)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var suppressor = new DuplicateSuppressor(_options.CurrentValue.GoneAfter);
        var pump = PumpAsync(suppressor, presentations.Writer, stop.Token);
        try
        {
            ShowIdle();
            LogReady(_logger);
            Ready?.Invoke();
            while (await presentations.Reader.WaitToReadAsync(stop.Token))
            {
                while (presentations.Reader.TryRead(out var presentation))
                {
                    var record = await DecideAsync(presentation, stop.Token);
                    await HoldAsync(record, presentations.Reader, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            // Cancel, not CancelAsync: the callbacks run here, on the checkpoint thread, not through the thread pool.
            stop.Cancel();
            try
            {
                await pump;
            }
            catch (OperationCanceledException)
            {
                // The pump ends with the loop.
            }
        }
    }

    private async Task PumpAsync(DuplicateSuppressor suppressor, ChannelWriter<CodePresentation> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var sighting in _reader.ReadAsync(cancellationToken))
            {
                Interlocked.Exchange(ref _frameTimestamp, _time.GetTimestamp());
                if (suppressor.Observe(sighting) is { } presentation)
                {
                    if (Phase == CheckpointPhase.Idle)
                    {
                        Phase = CheckpointPhase.CodeSeen;
                    }

                    writer.TryWrite(presentation);
                }
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>Decides one presentation: verify, look up, measure when rules 1-7 allow, show, act, report.</summary>
    internal async Task<DecisionRecord> DecideAsync(CodePresentation presentation, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var settings = options.ToPolicySettings();
        Phase = CheckpointPhase.CodeSeen;

        var now = _time.GetUtcNow();
        var code = _verifier.Verify(presentation.Text, now);
        Phase = CheckpointPhase.Verified;

        var colorState = _colors.State;
        var clockFault = colorState.LatestSignedAt is { } latestSigned && now < latestSigned - options.ClockSkew;
        (HealthColor, long)? cached = null;
        if (code is { Verdict: CodeVerdict.Valid, Issuer: { } issuer, Claims: { } claims }
            && _colors.TryLookup(issuer, claims.Id, out var color, out var colorTime))
        {
            cached = (color, colorTime);
        }

        Phase = CheckpointPhase.ColorLookedUp;
        var decision = CheckpointPolicy.DecideBeforeTemperature(code, clockFault, colorState.FreshnessAt(now), cached, settings);
        TemperatureResult? temperature = null;
        if (decision is null)
        {
            Phase = CheckpointPhase.Measuring;
            _screen.Show(new ScreenModel(ScreenKind.Measuring, _status.Strip(now), code.Claims?.MaskedName, code.Claims?.Proxy ?? false));
            temperature = await _thermometer.MeasureAsync(cancellationToken);
            decision = CheckpointPolicy.DecideWithTemperature(temperature, settings);
        }

        var record = new DecisionRecord(decision.Value, code, temperature, presentation.SeenAt, _time.GetUtcNow());
        Phase = CheckpointPhase.Decided;

        Show(record);
        Phase = CheckpointPhase.Showing;
        _reporter.Report(record);
        LogDecision(_logger, PolicyNames.Of(record.Decision.Outcome), PolicyNames.Of(record.Decision.Reason), record.Latency.TotalMilliseconds);
        Decided?.Invoke(record);
        return record;
    }

    private void Show(DecisionRecord record)
    {
        var strip = _status.Strip(record.DecidedAt);
        var claims = record.Code.Verdict == CodeVerdict.Valid ? record.Code.Claims : null;
        if (record.Decision.Outcome == Outcome.Pass)
        {
            _screen.Show(new ScreenModel(ScreenKind.Pass, strip, claims?.MaskedName, claims?.Proxy ?? false));
            _indicators.SignalPass();
            return;
        }

        var model = record.Decision.Reason switch
        {
            Reason.ClockFault => new ScreenModel(ScreenKind.Offline, strip, Detail: "clock"),
            Reason.ColorDataStale => new ScreenModel(ScreenKind.Offline, strip, Detail: "data"),
            _ => new ScreenModel(ScreenKind.Refer, strip, claims?.MaskedName, claims?.Proxy ?? false, ReferMessageFor(record.Decision.Reason)),
        };
        _screen.Show(model);
        _indicators.SignalRefer();
    }

    /// <summary>The neutral message of each reason. A color and a high temperature read alike: "a further check is needed".</summary>
    public static ReferMessage ReferMessageFor(Reason reason) => reason switch
    {
        Reason.CodeUnrecognized => ReferMessage.CodeNotRecognized,
        Reason.CodeInvalid => ReferMessage.CodeNotVerified,
        Reason.CodeExpired => ReferMessage.CodeExpired,
        Reason.CodeNotYetValid => ReferMessage.CodeNotYetValid,
        Reason.TemperatureUnavailable => ReferMessage.TemperatureNotTaken,
        Reason.HealthStatus or Reason.TemperatureHigh => ReferMessage.FurtherCheck,
        Reason.IdentityMismatch => ReferMessage.CardMismatch,
        Reason.IdentityUnconfirmed => ReferMessage.IdentityNotConfirmed,
        Reason.DocumentInvalid => ReferMessage.CardUnreadable,
        Reason.DocumentExpired => ReferMessage.CardOutOfDate,
        Reason.NoRecord => ReferMessage.NoRecord,
        _ => ReferMessage.SeeStaff,
    };

    private async Task HoldAsync(DecisionRecord record, ChannelReader<CodePresentation> next, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (record.Decision.Outcome == Outcome.Pass)
        {
            await Task.Delay(options.PassHold, _time, cancellationToken);
        }
        else
        {
            // REFER holds until its time is up or the next code arrives.
            Ready?.Invoke();
            // One plain await (no WhenAny: its promise completes on the thread pool, see InlineAwait).
            using var holdTime = new CancellationTokenSource(options.ReferHold, _time);
            using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, holdTime.Token);
            try
            {
                await next.WaitToReadAsync(hold.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The hold is over.
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (next.TryPeek(out _))
            {
                return;
            }
        }

        ShowIdle();
        Ready?.Invoke();
    }

    private void ShowIdle()
    {
        Phase = CheckpointPhase.Idle;
        _indicators.Clear();
        _screen.Show(_status.IdleScreen(_time.GetUtcNow()));
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Ready to scan")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Decision: {Outcome} ({Reason}) in {LatencyMs:0.0} ms")]
    private static partial void LogDecision(ILogger logger, string outcome, string reason, double latencyMs);
}
