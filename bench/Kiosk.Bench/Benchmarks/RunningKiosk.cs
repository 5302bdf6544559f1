using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Devices.Screen;
using Kiosk.Devices.Voice;
using Kiosk.Service.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The production composition on simulated devices, in real time, with its checkpoint loop running on the thread pool:
/// what the decision benchmarks time. One visitor at a time: <see cref="Expect"/>, act at the hardware boundary, then
/// <see cref="DecidedAsync"/> and <see cref="ReadyAsync"/>.
/// </summary>
internal sealed class RunningKiosk : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource<DecisionRecord> _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _running = Task.CompletedTask;
    private Task _speaking = Task.CompletedTask;
    private long _resultShown;

    private RunningKiosk(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    /// <summary>Builds the kiosk from <paramref name="settings"/>, applies <paramref name="feedMessages"/>, starts the loop and the voice and waits until it is ready.</summary>
    /// <param name="settings">Configuration.</param>
    /// <param name="feedMessages">Feed messages applied before the loop starts.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <param name="configure">More services before the kiosk's own (e.g. another sound sink).</param>
    public static async Task<RunningKiosk> StartAsync(IDictionary<string, string?> settings, IEnumerable<byte[]> feedMessages, CancellationToken cancellationToken, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        configure?.Invoke(services);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Error));
        services.AddSingleton<IEventSequence>(new InMemoryEventSequence());
        services.AddKiosk(configuration, new KioskParts { Devices = DeviceMode.Simulated });
        var kiosk = new RunningKiosk(services.BuildServiceProvider());
        KioskServices.ValidateOptions(kiosk.Services);
        var processor = kiosk.Services.GetRequiredService<ColorFeedProcessor>();
        foreach (var message in feedMessages)
        {
            processor.Process(message);
        }

        var loop = kiosk.Services.GetRequiredService<CheckpointLoop>();
        loop.Decided += r => kiosk._decided.TrySetResult(r);
        loop.Ready += () => kiosk._ready.TrySetResult();
        kiosk.Services.GetRequiredService<ScreenPresenter>().Shown += prompt =>
        {
            if (prompt.Kind is PromptKind.Pass or PromptKind.Refer)
            {
                Interlocked.Exchange(ref kiosk._resultShown, System.Diagnostics.Stopwatch.GetTimestamp());
            }
        };
        var voice = kiosk.Services.GetRequiredService<VoicePrompter>();
        kiosk._speaking = Task.Run(() => voice.RunAsync(kiosk._stop.Token), CancellationToken.None);
        kiosk._running = Task.Run(() => loop.RunAsync(kiosk._stop.Token), CancellationToken.None);
        await kiosk.ReadyAsync(cancellationToken);
        return kiosk;
    }

    /// <summary>The next visitor is coming: forget the last decision and readiness.</summary>
    public void Expect()
    {
        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _decided = new TaskCompletionSource<DecisionRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _resultShown, 0);
    }

    /// <summary>When the last PASS or REFER screen was shown (<see cref="System.Diagnostics.Stopwatch"/> timestamp; 0 = none since <see cref="Expect"/>).</summary>
    public long ResultShownTimestamp => Interlocked.Read(ref _resultShown);

    public Task<DecisionRecord> DecidedAsync(CancellationToken cancellationToken) => _decided.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

    public Task ReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        await _speaking;
        await Services.DisposeAsync();
        _stop.Dispose();
    }
}
