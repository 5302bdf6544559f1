using Kiosk.Core.Checkpoint;
using Kiosk.Core.Threading;
using Microsoft.Extensions.Logging;

namespace Kiosk.Simulation;

/// <summary>
/// Plays a scenario against a running checkpoint loop: feed messages at their times, visitors queueing
/// (one steps up at its time or when the kiosk is ready again, whichever is later, shows the code and lays the card
/// on the reader <c>card.atSeconds</c> later, until the kiosk has decided; then leaves with both). Runs in whatever
/// time the loop runs in: virtual for scenarios, real in benchmarks.
/// </summary>
public sealed partial class ScenarioPlayer
{
    private readonly Scenario _scenario;
    private readonly CheckpointLoop _loop;
    private readonly ISimulatedWorld _world;
    private readonly IFeedIngress _feed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _stepUp;
    private readonly TimeSpan _decisionTimeout;

    /// <param name="stepUp">Time between one visitor leaving and the next showing a code (≥ the duplicate window, so the same code twice in a row is decided twice).</param>
    /// <param name="decisionTimeout">A visitor not decided in this time (after its card is laid down, when it has one) fails the scenario (the kiosk is stuck).</param>
    public ScenarioPlayer(Scenario scenario, CheckpointLoop loop, ISimulatedWorld world, IFeedIngress feed, TimeProvider time, ILogger logger, TimeSpan stepUp, TimeSpan? decisionTimeout = null)
    {
        _scenario = scenario;
        _loop = loop;
        _world = world;
        _feed = feed;
        _time = time;
        _logger = logger;
        _stepUp = stepUp;
        _decisionTimeout = decisionTimeout ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>Raised per visitor when done (for live tables).</summary>
    public event Action<VisitorResult>? VisitorDone;

    public async Task<IReadOnlyList<VisitorResult>> PlayAsync(CancellationToken cancellationToken)
    {
        var start = _time.GetUtcNow();
        foreach (var message in _scenario.FeedMessages.Where(m => m.AtSeconds is null))
        {
            LogFeed(_logger, message.File, Deliver(message));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ready = new Signal();
        var decided = new Signal<DecisionRecord>();
        _loop.Ready += ready.Set;
        _loop.Decided += decided.Set;
        var timedFeed = Task.WhenAll(_scenario.FeedMessages.Where(m => m.AtSeconds is not null).Select(m => DeliverAtAsync(m, start, stop.Token)));
        var loop = _loop.RunAsync(stop.Token);
        var results = new List<VisitorResult>();
        try
        {
            await ready.WaitAsync(loop, stop.Token);
            for (var i = 0; i < _scenario.Visitors.Count; i++)
            {
                var visitor = _scenario.Visitors[i];
                var due = start + TimeSpan.FromSeconds(visitor.AtSeconds);
                var wait = due - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stop.Token);
                }

                var steppedUp = _time.GetUtcNow();
                if (!visitor.IsDecided)
                {
                    if (visitor.Assist)
                    {
                        _world.PressAssist();
                    }

                    results.Add(new VisitorResult(i, visitor, null, steppedUp));
                    VisitorDone?.Invoke(results[^1]);
                    continue;
                }

                _world.SetForehead(visitor.BodyTemperatureC, visitor.SensorNoiseC, seed: i);
                ready.Reset();
                decided.Reset();
                if (visitor.Qr is { } text)
                {
                    _world.ShowQrText(text, seed: i, visitor.StartsFar);
                }
                else if (visitor.QrImage is { } image)
                {
                    _world.ShowQrImage(image, seed: i);
                }

                using var leave = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                var card = visitor.Card is { } visitorCard ? PlaceCardAsync(visitorCard, leave.Token) : Task.CompletedTask;
                if (visitor.Assist)
                {
                    _world.PressAssist();
                }

                // The limit runs from the last thing the visitor does: a card laid down late (the scenario allows
                // up to MaxAtSeconds) still gets the whole limit to be decided.
                var limit = _decisionTimeout + TimeSpan.FromSeconds(visitor.Card?.AtSeconds ?? 0);
                using var timeout = new CancellationTokenSource(limit, _time);
                using var waitDecision = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, timeout.Token);
                DecisionRecord record;
                try
                {
                    record = await decided.WaitAsync(loop, waitDecision.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"visitor {i} was not decided within {limit.TotalSeconds:0} s of simulated time (kiosk {_loop.Phase} for {_loop.StageAge.TotalSeconds:0} s, last frame {_loop.FrameAge.TotalSeconds:0.0} s ago)");
                }

                // The visitor leaves with the decision, and with the card (placed or not yet).
                leave.Cancel();
                await card;
                _world.ClearCamera();
                _world.RemoveCard();
                _world.SetForehead(null, 0, seed: i);
                results.Add(new VisitorResult(i, visitor, record, steppedUp));
                VisitorDone?.Invoke(results[^1]);
                await ready.WaitAsync(loop, stop.Token);
                await Task.Delay(_stepUp, _time, stop.Token);
            }

            return results;
        }
        finally
        {
            // Cancel, not CancelAsync: the callbacks run here, on the checkpoint thread, not through the thread pool.
            stop.Cancel();
            _loop.Ready -= ready.Set;
            _loop.Decided -= decided.Set;
            await loop;
            try
            {
                await timedFeed;
            }
            catch (OperationCanceledException)
            {
                // Messages due after the last visitor are not delivered.
            }
        }
    }

    /// <summary>Lays the card on the reader <c>card.atSeconds</c> after the visitor stepped up, unless the visitor has left by then.</summary>
    private async Task PlaceCardAsync(ScenarioCard card, CancellationToken leave)
    {
        if (card.AtSeconds > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(card.AtSeconds), _time, leave);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        _world.PlaceCard(card);
    }

    private async Task DeliverAtAsync(ScenarioFeedMessage message, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var wait = start + TimeSpan.FromSeconds(message.AtSeconds!.Value) - _time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken);
        }

        LogFeed(_logger, message.File, Deliver(message));
    }

    private string Deliver(ScenarioFeedMessage message) =>
        message.Parts is { } parts ? _feed.ApplyManifest(message.Bytes, parts) : _feed.Apply(message.Bytes);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Feed message {File}: {Result}")]
    private static partial void LogFeed(ILogger logger, string file, string result);

    /// <summary>A resettable one-shot signal whose waiters also fail when the loop itself ends.</summary>
    /// <remarks>Completion reaches the waiter in the loop's synchronization context, never through the thread pool
    /// (see <see cref="InlineAwait"/>): the virtual clock must not move while it is on its way.</remarks>
    private sealed class Signal
    {
        private readonly Signal<bool> _inner = new();

        public void Set() => _inner.Set(true);

        public void Reset() => _inner.Reset();

        public Task WaitAsync(Task loop, CancellationToken cancellationToken) => _inner.WaitAsync(loop, cancellationToken);
    }

    private sealed class Signal<T>
    {
        // Asynchronous continuations: the player resumes in a work item posted to the loop, not inside the
        // checkpoint loop's event.
        private TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Set(T value) => _tcs.TrySetResult(value);

        public void Reset()
        {
            if (_tcs.Task.IsCompleted)
            {
                _tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public Task<T> WaitAsync(Task loop, CancellationToken cancellationToken) =>
            InlineAwait.FirstOf(_tcs.Task, loop, LoopEnded, cancellationToken);

        private static Exception LoopEnded(Task loop) =>
            loop.Exception?.InnerException is { } error
                ? new InvalidOperationException($"The checkpoint loop failed before the scenario ended: {error.Message}", error)
                : new InvalidOperationException("The checkpoint loop ended before the scenario did.");
    }
}
