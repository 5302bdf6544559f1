using HealthCode.Formats;
using HealthCode.Formats.Identity;
using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// A color load gives way to the checkpoint (issue 22): on its <see cref="LoaderThread"/> a <see cref="SnapshotLoad"/>
/// pauses while a visitor is decided (<see cref="CheckpointLoadYield"/>: a frame being decoded, a code or card seen until
/// the decision is shown), resumes when the checkpoint is free, and a door that never frees cannot starve it
/// (<see cref="LoadPacer"/>: at most <see cref="LoadPacer.MaxPause"/>, then <see cref="LoadPacer.MinRun"/> unpaused).
/// </summary>
public sealed class LoadYieldTests : IDisposable
{
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(30);
    private readonly FeedWorld _w = new();
    private readonly WatchedTime _time = new();
    private readonly CheckpointLoadYield _door;
    private readonly ColorStore _store;

    public LoadYieldTests()
    {
        _door = new CheckpointLoadYield(_time);
        _store = ColorStore.Open(new ColorStoreSettings
        {
            DatabasePath = Path.Combine(_w.Directory, "paced.db"),
            Feed = _w.Feed,
            AuthorityKey = _w.PublicKey,
            LoadYield = _door,
            Time = _time,
        });
    }

    public void Dispose()
    {
        _store.Dispose();
        _w.Dispose();
    }

    private static DocumentRecord[] Documents(int count) =>
        [.. Enumerable.Range(0, count).Select(n => new DocumentRecord(new DocRef((ulong)n << 40, (ulong)n), (HealthColor)(n % 3), 100 + n))];

    [Theory]
    [InlineData(CheckpointPhase.CodeSeen, true)]
    [InlineData(CheckpointPhase.CardSeen, true)]
    [InlineData(CheckpointPhase.Verified, true)]
    [InlineData(CheckpointPhase.ColorLookedUp, true)]
    [InlineData(CheckpointPhase.Measuring, true)]
    [InlineData(CheckpointPhase.Decided, true)]
    [InlineData(CheckpointPhase.Showing, false)]
    [InlineData(CheckpointPhase.Idle, false)]
    [InlineData(CheckpointPhase.WaitingForCard, false)]
    public void TheCheckpointIsBusyFromTheCodeSeenUntilTheDecisionIsShownButNotWhileItWaitsForAPerson(CheckpointPhase phase, bool busy)
    {
        _door.Observe(phase);

        Assert.Equal(busy, _door.Busy);
    }

    [Fact]
    public void AFrameBeingDecodedIsBusyAsLongAsTheDecodeOrTheDecisionLasts()
    {
        _door.ObserveDecoding(true);
        Assert.True(_door.Busy);

        _door.Observe(CheckpointPhase.CodeSeen);
        _door.ObserveDecoding(false);
        Assert.True(_door.Busy); // the code it showed is being decided

        _door.Observe(CheckpointPhase.Showing);
        Assert.False(_door.Busy);
    }

    [Fact]
    public async Task ALoadOnItsLoaderThreadPausesWhileAVisitorIsDecidedAndResumesWhenTheDecisionIsShown()
    {
        var documents = Documents(1000);
        _door.Observe(CheckpointPhase.CodeSeen);
        using var load = _store.BeginSnapshotLoad(1);
        var loading = LoaderThread.Run(() => load.AddDocuments(documents), "manifest-apply");

        // The loader reached its first statement (64 rows) and waits on the kiosk's clock.
        Assert.True(await _time.TimerCreated.WaitAsync(Liveness));
        Assert.False(loading.IsCompleted);
        Assert.Equal(64, load.DocumentRecordCount);

        _door.Observe(CheckpointPhase.Showing);
        await loading.WaitAsync(Liveness);

        Assert.Equal(documents.Length, load.DocumentRecordCount);
        Assert.Equal(1, _store.Pacer.Pauses);
        load.Commit(new ColorFeedState(1, 1, T0, T0, null));
        Assert.Equal(documents.Length, _store.DocumentRecordCount);
        Assert.True(_store.TryLookupDocument(documents[^1].DocRef, out var color, out _));
        Assert.Equal(documents[^1].Color, color);
    }

    [Fact]
    public async Task ADoorThatNeverFreesHoldsTheLoadAtMostOnePauseThenLetsItRunAndItEnds()
    {
        var documents = Documents(64 * 40);
        _door.Observe(CheckpointPhase.Measuring);
        using var load = _store.BeginSnapshotLoad(1);
        var loading = LoaderThread.Run(() => load.AddDocuments(documents), "manifest-apply");

        Assert.True(await _time.TimerCreated.WaitAsync(Liveness));
        Assert.False(loading.IsCompleted);
        _time.Advance(LoadPacer.MaxPause);

        // The pause ended at its bound; for MinRun (no time passes here) the load runs through every statement unpaused.
        await loading.WaitAsync(Liveness);
        Assert.Equal(documents.Length, load.DocumentRecordCount);
        Assert.Equal(1, _store.Pacer.Pauses);
        Assert.Equal(LoadPacer.MaxPause, _store.Pacer.Paused);
        Assert.True(_door.Busy);

        // Once MinRun has passed, the still busy door holds the loader again.
        _time.Advance(LoadPacer.MinRun);
        var again = LoaderThread.Run(_store.Pacer.GiveWay, "manifest-read");
        Assert.True(await _time.TimerCreated.WaitAsync(Liveness));
        Assert.False(again.IsCompleted);
        _door.Observe(CheckpointPhase.Idle);
        await again.WaitAsync(Liveness);
        Assert.Equal(2, _store.Pacer.Pauses);
        Assert.Equal(LoadPacer.MaxPause, _store.Pacer.Paused); // freed before the clock moved
    }

    [Fact]
    public void ALoadOnTheCallersThreadIsNeverHeldSoAScenarioLoopCannotWaitForItself()
    {
        var documents = Documents(640);
        _door.Observe(CheckpointPhase.CodeSeen);
        using var load = _store.BeginSnapshotLoad(1);

        load.AddDocuments(documents);
        load.Commit(new ColorFeedState(1, 1, T0, T0, null));

        Assert.Equal(documents.Length, _store.DocumentRecordCount);
        Assert.Equal(0, _store.Pacer.Pauses);
        Assert.Equal(0, _time.TimerCreated.CurrentCount);
    }

    [Fact]
    public async Task TheKiosksCompositionMakesItsColorStoreGiveWayToTheCameraAndTheCheckpoint()
    {
        var data = Path.Combine(_w.Directory, "kiosk");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kiosk:DataDirectory"] = data,
            ["ColorFeed:DatabasePath"] = Path.Combine(data, "colors.db"),
            ["ColorFeed:Feed"] = "CN-HL",
            ["ColorFeed:AuthorityKey"] = Convert.ToBase64String(_w.Authority.ExportSubjectPublicKeyInfo()),
            ["Camera:Source"] = "Simulated",
            ["Display:FramebufferDevice"] = string.Empty,
            ["Voice:ClipsDirectory"] = string.Empty,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddKiosk(configuration, new KioskParts { Devices = DeviceMode.Simulated });
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ColorStore>();
        var door = provider.GetRequiredService<ILoadYield>();
        Assert.Same(provider.GetRequiredService<CheckpointLoadYield>(), door);
        _ = provider.GetRequiredService<CheckpointLoop>();

        // The camera starts decoding a frame: the store's loader waits until the decode ends.
        while (_time.TimerCreated.Wait(0))
        {
            // Timers the composition made so far are not the loader's.
        }

        var scan = provider.GetRequiredService<ScanActivity>();
        scan.Decoding(true);
        Assert.True(door.Busy);
        var paced = LoaderThread.Run(store.Pacer.GiveWay, "manifest-apply");
        Assert.True(await _time.TimerCreated.WaitAsync(Liveness));
        Assert.False(paced.IsCompleted);
        scan.Decoding(false);
        await paced.WaitAsync(Liveness);

        Assert.False(door.Busy);
        Assert.Equal(1, store.Pacer.Pauses);
    }

    /// <summary>A fake clock that tells when a timer is made (a loader's bounded wait has begun).</summary>
    private sealed class WatchedTime() : FakeTimeProvider(T0)
    {
        public SemaphoreSlim TimerCreated { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerCreated.Release();
            return timer;
        }
    }
}
