using System.Globalization;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Outputs;
using Kiosk.Devices.Voice;
using Kiosk.Drivers.Audio;
using Kiosk.Drivers.Camera;
using Kiosk.Fleet;
using Kiosk.Service.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Hosting;

/// <summary>
/// <c>kiosk run</c>: the worker service under systemd (<c>Type=notify</c>, watchdog), on hardware or, with
/// <c>--simulate</c>, on the simulated devices in real time.
/// </summary>
internal static class KioskHost
{
    public static IHost Build(RunOptions options)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "kiosk",
        });

        // --simulate's defaults go under the files and the environment (KIOSK_Kiosk__DataDirectory wins); only what
        // was typed on the command line goes over them. Two simulated kiosks started from one folder get a data
        // directory each (per process) unless Kiosk:DataDirectory is configured.
        var defaults = new Dictionary<string, string?>();
        var overrides = new Dictionary<string, string?>();
        if (options.Simulate)
        {
            overrides["Camera:Source"] = nameof(CameraSourceKind.Simulated);
            overrides["Display:FramebufferDevice"] = string.Empty;
            defaults["Display:ScreensDirectory"] = string.Empty;
            if (options.ScreensDirectory is { } screens)
            {
                overrides["Display:ScreensDirectory"] = screens;
            }

            defaults["Kiosk:DataDirectory"] = Path.Combine(Path.GetTempPath(), $"kiosk-simulate-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        }

        foreach (var (key, value) in options.BrokerOverrides())
        {
            overrides[key] = value;
        }

        KioskConfiguration.AddSources(builder.Configuration, options.ConfigFile, overrides, includeSystemFile: true, defaults);
        var dataDirectory = builder.Configuration["Kiosk:DataDirectory"] ?? "/var/lib/kiosk";
        Directory.CreateDirectory(dataDirectory);

        // One kiosk per data directory (event seq, outbox, color store): a second start is one line naming the first.
        builder.Services.AddSingleton(DataDirectoryLock.Acquire(dataDirectory));

        // Remote configuration (config/desired) goes last, over every other source.
        var runtime = new RuntimeConfigurationSource(dataDirectory);
        ((IConfigurationBuilder)builder.Configuration).Add(runtime);
        builder.Services.AddSingleton(runtime);

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.AddSystemd();

        if (options.Simulate)
        {
            builder.Services.AddSingleton(sp => new SimulatedSoundSink(sp.GetRequiredService<TimeProvider>(), options.AudioDirectory));
        }

        builder.Services.AddSingleton<HostRestart>();
        builder.Services.AddSingleton<IKioskRestart>(sp => sp.GetRequiredService<HostRestart>());
        builder.Services.AddKiosk(builder.Configuration, KioskParts.Service(options.Simulate));
        builder.Services.AddHostedService<CheckpointService>();
        builder.Services.AddHostedService<VoiceService>();
        builder.Services.AddHostedService<AssistButtonService>();
        builder.Services.AddHostedService(sp => new WatchdogService(
            sp.GetService<ISystemdNotifier>() ?? new SystemdNotifier(),
            sp.GetRequiredService<IKioskHealth>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WatchdogService>>(),
            Environment.GetEnvironmentVariable("WATCHDOG_USEC")));
        return builder.Build();
    }

    public static async Task<int> RunAsync(RunOptions options, CancellationToken cancellationToken)
    {
        using var host = Build(options);
        using var dataLock = host.Services.GetRequiredService<DataDirectoryLock>(); // held while the host runs
        KioskServices.ValidateOptions(host.Services);
        var restart = host.Services.GetRequiredService<HostRestart>(); // the host is disposed when it has run
        if (!options.Simulate)
        {
            HardwareCheck.Run(host.Services);
        }

        try
        {
            await host.RunAsync(cancellationToken);
        }
        catch (OptionsValidationException ex)
        {
            throw new KioskInputException($"configuration is invalid: {string.Join("; ", ex.Failures)}");
        }

        return restart.Requested ? HostRestart.ExitCode : 0;
    }

    /// <summary>Keeps the assist button's handler alive for the life of the host.</summary>
    private sealed class AssistButtonService(AssistButtonHandler handler) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(handler);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>The checkpoint loop as the host's long-running service.</summary>
internal sealed class CheckpointService(CheckpointLoop loop) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loop.RunAsync(stoppingToken);
}
