using Kiosk.Colors;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Devices.Outputs;
using Kiosk.Devices.Screen;
using Kiosk.Devices.Temperature;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Audio;
using Kiosk.Drivers.Camera;
using Kiosk.Drivers.Gpio;
using Kiosk.Drivers.IdCard;
using Kiosk.Fleet;
using Kiosk.Service.Cli;
using Kiosk.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Hosting;

/// <summary>
/// <c>run --simulate --scenario</c> and <c>demo</c>: the production composition on simulated devices, in virtual
/// time (<see cref="VirtualTimeLoop"/>), driven by the <see cref="ScenarioPlayer"/>.
/// </summary>
/// <remarks>
/// The fleet link (outbox sender, status, telemetry, commands) runs beside the scenario in real time with its own
/// clock, because it talks to a real broker; it shares the kiosk's alerts, counters, color store and outbox.
/// Decision and alert events carry the scenario's virtual time.
/// </remarks>
internal static partial class SimulationRunner
{
    /// <summary>Time between one visitor leaving and the next showing a code.</summary>
    public static readonly TimeSpan StepUp = TimeSpan.FromSeconds(2);

    /// <param name="scenario">The scenario.</param>
    /// <param name="options">The run options (config file, events file, screens directory, broker).</param>
    /// <param name="fleet">Publish to the fleet broker: the one of <c>--mqtt</c> or the configuration, else an embedded broker.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static Task<IReadOnlyList<VisitorResult>> PlayScenarioAsync(Scenario scenario, RunOptions options, bool fleet, CancellationToken cancellationToken) =>
        PlayScenarioAsync(scenario, options, fleet, logging: null, cancellationToken);

    /// <param name="scenario">The scenario.</param>
    /// <param name="options">The run options (config file, events file, screens directory, broker).</param>
    /// <param name="fleet">Publish to the fleet broker: the one of <c>--mqtt</c> or the configuration, else an embedded broker.</param>
    /// <param name="logging">More logging set-up after the default (warnings on standard error), e.g. another provider or level.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static Task<IReadOnlyList<VisitorResult>> PlayScenarioAsync(Scenario scenario, RunOptions options, bool fleet, Action<ILoggingBuilder>? logging, CancellationToken cancellationToken) =>
        PlayScenarioAsync(scenario, options, fleet, logging, alongside: null, cancellationToken);

    /// <param name="scenario">The scenario.</param>
    /// <param name="options">The run options (config file, events file, screens directory, broker).</param>
    /// <param name="fleet">Publish to the fleet broker.</param>
    /// <param name="logging">More logging set-up after the default.</param>
    /// <param name="alongside">
    /// Runs on the simulation loop beside the scenario, in its virtual time, with the kiosk's services: what a test does
    /// at the hardware boundary that a scenario file cannot say (a reader fault at a given second). Cancelled when the
    /// last visitor is done.
    /// </param>
    /// <param name="cancellationToken">Stops the run.</param>
    internal static async Task<IReadOnlyList<VisitorResult>> PlayScenarioAsync(Scenario scenario, RunOptions options, bool fleet, Action<ILoggingBuilder>? logging, Func<IServiceProvider, CancellationToken, Task>? alongside, CancellationToken cancellationToken)
    {
        // A persistent directory (--data) keeps the color store, the outbox and the event seq for the next run: a
        // day cut into segments, or a kiosk killed and started again, goes on where it was.
        // Kiosk:DataDirectory configured (--config, KIOSK_Kiosk__DataDirectory) is persistent too: the run's own
        // temporary directory is only a default, under the files and the environment.
        var persistent = options.DataDirectory is not null;
        var dataDirectory = persistent ? Directory.CreateDirectory(options.DataDirectory!).FullName : Directory.CreateTempSubdirectory("kiosk-sim-").FullName;

        // A persistent directory has one owner: two runs on it would hand out the same event seq numbers.
        using var dataLock = persistent ? DataDirectoryLock.Acquire(dataDirectory) : null;
        try
        {
            var configuration = KioskConfiguration.Build(options.ConfigFile, Overrides(scenario, options), includeSystemFile: false, Defaults(dataDirectory));
            if (!persistent && configuration["Kiosk:DataDirectory"] is { Length: > 0 } configured && configured != dataDirectory)
            {
                TryDelete(dataDirectory);
                persistent = true;
                dataDirectory = Directory.CreateDirectory(configured).FullName;
            }
            var time = new VirtualTimeProvider(scenario.Start);
            var eventsFile = OpenEventsFile(options.EventsFile);

            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(time);
            services.AddLogging(b =>
            {
                KioskLogging.ToStandardError(b, LogLevel.Warning);
                logging?.Invoke(b);
            });
            if (!persistent)
            {
                services.AddSingleton<IEventSequence>(new InMemoryEventSequence());
            }

            if (eventsFile is not null)
            {
                services.AddSingleton<IEventSink>(eventsFile);
            }

            var sound = new SimulatedSoundSink(time, options.AudioDirectory);
            services.AddSingleton(sound);

            // The kiosk in virtual time; its links (fleet, and the feed client when --mqtt names a broker: broker messages
            // then take the scenario's path through the processor and are checked against the virtual clock) in real time.
            services.AddKiosk(configuration, new KioskParts
            {
                Devices = DeviceMode.Simulated,
                Fleet = fleet,
                FeedLink = fleet && options.Broker is not null,
                EmbeddedBrokerWhenUnconfigured = true,
                LinkClock = TimeProvider.System,
            });

            // A scenario's devices live on the virtual-time loop: the fleet's selftest would drive them from another thread.
            services.RemoveAll<ISelfTest>();
            await using var provider = services.BuildServiceProvider();
            KioskServices.ValidateOptions(provider);

            var fleetService = fleet ? provider.GetRequiredService<FleetService>() : null;
            var feedClient = provider.GetService<MqttFeedClient>();
            try
            {
                if (fleetService is not null)
                {
                    await fleetService.StartAsync(cancellationToken);
                }

                if (feedClient is not null)
                {
                    await feedClient.StartAsync(cancellationToken);
                    await CatchUpAsync(feedClient, provider.GetRequiredService<ILoggerFactory>().CreateLogger("Scenario"), cancellationToken);
                }

                IReadOnlyList<VisitorResult> results;
                try
                {
                    results = WithPrompts(Play(scenario, provider, time, realTimeNeighbours: fleet, alongside, cancellationToken), sound.Played);
                }
                catch (Exception ex) when (eventsFile?.Failure is { } failure)
                {
                    throw EventsFileFailed(options.EventsFile!, failure, ex);
                }

                if (fleetService is not null)
                {
                    await DrainAsync(provider.GetRequiredService<SqliteOutbox>(), TimeSpan.FromSeconds(10), cancellationToken);
                }

                // A write that failed where no exception reached the scenario (a sink's caller that went on) or in the
                // final flush still ends the run: the events file is the run's output, and it is not whole.
                eventsFile?.Dispose();
                if (eventsFile?.Failure is { } lost)
                {
                    throw EventsFileFailed(options.EventsFile!, lost, null);
                }

                return results;
            }
            finally
            {
                if (feedClient is not null)
                {
                    using var stopFeed = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await feedClient.StopAsync(stopFeed.Token);
                }

                if (fleetService is not null)
                {
                    using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await fleetService.StopAsync(stopTimeout.Token);
                }

                eventsFile?.Dispose();
            }
        }
        finally
        {
            if (!persistent)
            {
                TryDelete(dataDirectory);
            }
        }
    }

    private static KioskInputException EventsFileFailed(string path, IOException failure, Exception? inner) =>
        new($"--events {path}: cannot write: {OneLine.Of(failure.Message)}", inner ?? failure);

    private static JsonLinesEventSink? OpenEventsFile(string? path)
    {
        if (path is null)
        {
            return null;
        }

        if (Directory.Exists(path))
        {
            throw new KioskInputException($"--events {path} is a directory, not a file");
        }

        try
        {
            return new JsonLinesEventSink(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"--events {path}: {ex.Message}", ex);
        }
    }

    private static IReadOnlyList<VisitorResult> Play(Scenario scenario, ServiceProvider provider, VirtualTimeProvider time, bool realTimeNeighbours, Func<IServiceProvider, CancellationToken, Task>? alongside, CancellationToken cancellationToken)
    {
        var loop = new VirtualTimeLoop(time);
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Scenario");
        var results = Run(loop, scenario, provider, time, alongside, cancellationToken);
        if (loop.ForeignPosts > 0)
        {
            // Without a broker beside it nothing should reach the loop from another thread (see InlineAwait).
            if (realTimeNeighbours)
            {
                LogForeignPostsWithFleet(logger, loop.ForeignPosts);
            }
            else
            {
                LogForeignPosts(logger, loop.ForeignPosts);
            }
        }

        return results;
    }

    [LoggerMessage(EventId = 312, Level = LogLevel.Warning, Message = "Simulation: {Count} continuation(s) reached the virtual-time loop from other threads; virtual time may have run ahead of the kiosk")]
    private static partial void LogForeignPosts(ILogger logger, long count);

    [LoggerMessage(EventId = 313, Level = LogLevel.Debug, Message = "Simulation: {Count} continuation(s) reached the virtual-time loop from the fleet's threads")]
    private static partial void LogForeignPostsWithFleet(ILogger logger, long count);

    private static IReadOnlyList<VisitorResult> Run(VirtualTimeLoop loop, Scenario scenario, ServiceProvider provider, VirtualTimeProvider time, Func<IServiceProvider, CancellationToken, Task>? alongside, CancellationToken cancellationToken) =>
        loop.Run(async () =>
        {
            // Devices are created on the loop so their timers and continuations live in virtual time.
            using var assist = provider.GetRequiredService<AssistButtonHandler>();
            using var world = new SimulatedWorld(
                provider.GetRequiredService<SimulatedCamera>(),
                provider.GetRequiredService<ThermometerScene>(),
                provider.GetRequiredService<SimulatedGpioDriver>(),
                provider.GetRequiredService<IOptions<GpioOptions>>().Value,
                time,
                provider.GetService<SamModuleEmulator>());
            world.ClearCamera();

            // The visitor in front sees each screen shown (a visitor holding the code too far reacts to the aiming help).
            var presenter = provider.GetService<ScreenPresenter>();
            Action<VisitorPrompt> seeScreen = prompt => world.SeeScreen(prompt.Kind);
            if (presenter is not null)
            {
                presenter.Shown += seeScreen;
            }

            var player = new ScenarioPlayer(
                scenario,
                provider.GetRequiredService<CheckpointLoop>(),
                world,
                new ProcessorFeedIngress(provider.GetRequiredService<ColorFeedProcessor>()),
                time,
                provider.GetRequiredService<ILoggerFactory>().CreateLogger("Scenario"),
                StepUp);
            using var beside = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var acting = alongside?.Invoke(provider, beside.Token) ?? Task.CompletedTask;

            // The voice's worker beside the checkpoint, on the same loop: prompts play in virtual time.
            using var stopVoice = new CancellationTokenSource();
            var voice = provider.GetRequiredService<VoicePrompter>().RunAsync(stopVoice.Token);
            try
            {
                return await player.PlayAsync(cancellationToken);
            }
            finally
            {
                // Cancel, not CancelAsync (see InlineAwait): on the loop, not through the thread pool.
                beside.Cancel();
                try
                {
                    await acting;
                }
                catch (OperationCanceledException)
                {
                    // It ends with the scenario.
                }

                stopVoice.Cancel();
                await voice;
                if (presenter is not null)
                {
                    presenter.Shown -= seeScreen;
                }
            }
        });

    /// <summary>Each visitor with the clips spoken from its step-up to the next visitor's.</summary>
    private static IReadOnlyList<VisitorResult> WithPrompts(IReadOnlyList<VisitorResult> results, IReadOnlyList<PlayedClip> played) =>
        results.Select((result, i) => result with
        {
            Prompts = played.Where(p => (i == 0 || p.At >= result.SteppedUpAt) && (i == results.Count - 1 || p.At < results[i + 1].SteppedUpAt)).ToArray(),
        }).ToArray();

    /// <summary>The run's defaults: under the configuration files and the environment.</summary>
    private static Dictionary<string, string?> Defaults(string dataDirectory) => new()
    {
        ["Kiosk:DataDirectory"] = dataDirectory,

        // Every simulated frame is rendered and decoded for real; 10 fps keeps an hour of scenario in
        // seconds-to-minutes and still reads a code within 0.1 s of virtual time.
        ["Camera:FramesPerSecond"] = "10",
        ["Display:ScreensDirectory"] = string.Empty,
    };

    /// <summary>What the command line said: the scenario (its feed, key, trust list, identity mode), --data, --screens, --mqtt, and the simulated devices.</summary>
    private static Dictionary<string, string?> Overrides(Scenario scenario, RunOptions options)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["ColorFeed:Feed"] = scenario.Feed,
            ["ColorFeed:AuthorityKey"] = Convert.ToBase64String(scenario.AuthorityKey),
            ["Camera:Source"] = nameof(CameraSourceKind.Simulated),
            ["Display:FramebufferDevice"] = string.Empty,
            ["HealthCode:TrustListFile"] = scenario.TrustListFile ?? string.Empty,
            ["Identity:Mode"] = scenario.IdentityMode.ToString(),
        };
        if (options.DataDirectory is not null)
        {
            overrides["Kiosk:DataDirectory"] = Path.GetFullPath(options.DataDirectory);
        }

        if (options.ScreensDirectory is { } screens)
        {
            overrides["Display:ScreensDirectory"] = screens;
        }

        foreach (var (key, value) in options.BrokerOverrides())
        {
            overrides[key] = value;
        }

        return overrides;
    }

    /// <summary>
    /// Before the first visitor: waits (real time) for the feed client to subscribe and to apply what the broker
    /// holds for it (retained snapshot and trust list, batches queued in its session): until no message has come
    /// for <see cref="FeedQuietPeriod"/>. A broker that cannot be reached in <see cref="FeedConnectTimeout"/> is
    /// reported and the scenario plays on its own messages; the client keeps retrying in the background.
    /// </summary>
    private static async Task CatchUpAsync(MqttFeedClient client, ILogger logger, CancellationToken cancellationToken)
    {
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        while (!client.IsConnected)
        {
            if (clock.GetElapsedTime(started) > FeedConnectTimeout)
            {
                LogFeedBrokerUnreachable(logger, (long)FeedConnectTimeout.TotalSeconds);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }

        var quietSince = clock.GetTimestamp();
        var seen = client.ReceivedCount;
        while (client.ProcessedCount < client.ReceivedCount || clock.GetElapsedTime(quietSince) < FeedQuietPeriod)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            if (client.ReceivedCount != seen)
            {
                seen = client.ReceivedCount;
                quietSince = clock.GetTimestamp();
            }
        }

        LogFeedCaughtUp(logger, client.ProcessedCount);
    }

    /// <summary>How long the feed broker may take to accept the subscription before the scenario starts without it.</summary>
    public static readonly TimeSpan FeedConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// No feed message for this long after subscribing: the broker has delivered what it held (it sends retained messages
    /// and the session's queue right after the SUBACK). 1.5 s, not less: on a machine running three test suites at once a
    /// retained snapshot was once handled more than 0.5 s after the subscription, and the first visitor met no color data.
    /// </summary>
    public static readonly TimeSpan FeedQuietPeriod = TimeSpan.FromSeconds(1.5);

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Feed broker not reachable within {Seconds} s: the scenario starts on its own feed messages, the client keeps retrying")]
    private static partial void LogFeedBrokerUnreachable(ILogger logger, long seconds);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Feed broker caught up: {Count} message(s) processed before the first visitor")]
    private static partial void LogFeedCaughtUp(ILogger logger, long count);

    private static async Task DrainAsync(SqliteOutbox outbox, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (outbox.Depth > 0 && TimeProvider.System.GetElapsedTime(deadline) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open (e.g. on a slow disposal) is left in the temp directory.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
