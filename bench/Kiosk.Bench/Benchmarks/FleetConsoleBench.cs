using System.Diagnostics;
using Kiosk.FleetConsole;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// <c>kiosk fleet status</c> over a thousand kiosks: a thousand in-process kiosks (the fleet of the 1,000-kiosk
/// benchmark and of the tests) leave their retained status on the broker; then the console connects, reads every
/// retained status to its end marker, sorts them and renders the table. Baseline, in the same run: a bare MQTTnet
/// client that connects, subscribes to the statuses (QoS 0, as the console and <c>mosquitto_sub</c> do) and counts
/// until it has a thousand: it knows the number, the console does not, and it parses, sorts and prints nothing.
/// </summary>
public sealed class FleetConsoleBench : IBenchmark
{
    private const int Kiosks = 1000;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["fleet.status_1000_ms"];

    /// <inheritdoc />
    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        await using var broker = await FleetBench.BenchBroker.StartAsync(cancellationToken);
        var root = Path.Combine(Path.GetTempPath(), "kiosk-console-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await PopulateAsync(broker.Port, root, cancellationToken);
            var rounds = options.Quick ? 5 : 20;
            var ours = new List<double>(rounds);
            var bare = new List<double>(rounds);
            for (var round = 0; round < rounds + 1; round++)
            {
                var console = await ConsoleStatusAsync(broker.Port, cancellationToken);
                var baseline = await BareCountAsync(broker.Port, cancellationToken);
                if (round > 0)
                {
                    ours.Add(console);
                    bare.Add(baseline);
                }
            }

            Console.Error.WriteLine($"fleet.status: {Kiosks} kiosks via {broker.Name}; console p50 {Stats.Median(ours):F1} ms (min {ours.Min():F1}), bare subscribe-and-count p50 {Stats.Median(bare):F1} ms (min {bare.Min():F1})");
            return [new Figure("fleet.status_1000_ms", Math.Round(Stats.Median(ours), 1), "ms", Math.Round(Stats.Median(bare), 1))];
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    // A thousand kiosks connect (each publishes its retained status), a few degrade, then all stop cleanly (offline,
    // retained): the broker holds a thousand statuses.
    private static async Task PopulateAsync(int port, string root, CancellationToken cancellationToken)
    {
        var fleet = new FleetTestKiosk[Kiosks];
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, 128), Math.Max(minIo, 128));
        try
        {
            for (var i = 0; i < Kiosks; i++)
            {
                fleet[i] = FleetTestKiosk.Create(port, Path.Combine(root, i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)), o =>
                {
                    o.Timeout = TimeSpan.FromSeconds(30);
                    o.KeepAlive = TimeSpan.FromSeconds(60);
                    o.ReconnectMin = TimeSpan.FromMilliseconds(200);
                    o.ReconnectMax = TimeSpan.FromSeconds(5);
                }, $"k{i:D4}", site: $"site-{i % 10}");
                _ = fleet[i].Start();
            }

            foreach (var kiosk in fleet)
            {
                await kiosk.Service.FirstSession.WaitAsync(TimeSpan.FromSeconds(180), cancellationToken);
            }

            for (var i = 0; i < Kiosks; i += 97)
            {
                fleet[i].Alerts.Raise(Kiosk.Core.Checkpoint.AlertKinds.ThermometerFault, "bench");
            }
        }
        finally
        {
            await Task.WhenAll(fleet.Where(k => k is not null).Select(k => k.DisposeAsync().AsTask()));
            ThreadPool.SetMinThreads(minWorkers, minIo);
        }
    }

    // What `kiosk fleet status` does after parsing its options: connect, read every retained status (and any telemetry meanwhile), sort, render.
    internal static async Task<double> ConsoleStatusAsync(int port, CancellationToken cancellationToken)
    {
        var settings = new FleetConsoleSettings(new FleetOptions { Host = "127.0.0.1", Port = port, Timeout = TimeSpan.FromSeconds(30) }, TimeSpan.FromSeconds(60));
        var start = Stopwatch.GetTimestamp();
        await using var session = await FleetConsoleSession.ConnectAsync(settings, TimeProvider.System, cancellationToken);
        var rows = await RetainedReader.ReadStatusesAsync(session, null, null, TimeProvider.System, cancellationToken, withTelemetry: true);
        var now = DateTimeOffset.UtcNow;
        var lines = FleetStatusTable.Lines(KioskStatusRow.WorstFirst(rows, now), now);
        var elapsed = Stats.ElapsedMs(start);
        if (rows.Count != Kiosks || lines.Count != Kiosks + 1)
        {
            throw new InvalidOperationException($"fleet status listed {rows.Count} kiosks, expected {Kiosks}");
        }

        return elapsed;
    }

    // The baseline: connect, subscribe, count a thousand retained statuses (what `mosquitto_sub -C 1000` does: QoS 0).
    private static async Task<double> BareCountAsync(int port, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var client = new MqttClientFactory().CreateMqttClient();
        var count = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref count) == Kiosks)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bare-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithCleanStart(true).WithTimeout(TimeSpan.FromSeconds(30)).Build(), cancellationToken);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("kiosk/v1/+/+/status", MqttQualityOfServiceLevel.AtMostOnce).Build(), cancellationToken);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var elapsed = Stats.ElapsedMs(start);
        await client.DisconnectAsync(cancellationToken: cancellationToken);
        return elapsed;
    }
}
