using System.Globalization;
using System.Text.RegularExpressions;
using HealthCode.Formats;
using Kiosk.Service.Cli;
using Kiosk.Service.Demo;
using Kiosk.Service.Simulation;
using Kiosk.Service.Tests.Fleet;
using Kiosk.Service.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Tests.Simulation;

/// <summary>
/// The privacy rule of mqtt.md and the guide, end to end: the demo's whole scenario (every reason, a proxy code,
/// the assist button, feed alerts) plays against a real Mosquitto with every log level switched on, and nothing
/// the kiosk writes — log lines, MQTT messages, the events file, the names of saved screens — carries a visitor's
/// QR text, masked name, code id or color.
/// </summary>
public sealed partial class PrivacyScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("privacy-scenario-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task No_log_line_message_event_or_file_name_of_a_full_scenario_carries_a_visitors_data()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/#");
        var (path, visitors) = DemoWorld.Create(Path.Combine(_dir, "scenario"));
        var events = Path.Combine(_dir, "events.jsonl");
        var screens = Path.Combine(_dir, "screens");
        var logs = new CapturingLoggerProvider();

        var results = await SimulationRunner.PlayScenarioAsync(
            Scenario.Load(path),
            new RunOptions(null, true, path, events, screens, ("127.0.0.1", broker.Port)),
            fleet: true,
            b =>
            {
                b.AddProvider(logs);
                b.SetMinimumLevel(LogLevel.Trace);
            },
            CancellationToken.None);

        var decisions = results.Count(r => r.Record is not null);
        await manager.WaitUntilAsync(() => manager.Messages.Count(m => m.Topic.EndsWith("/event/decision", StringComparison.Ordinal)) >= decisions, "every decision event");

        var needles = Needles(visitors).ToList();
        var haystacks = new List<(string Where, string Text)>();
        haystacks.AddRange(logs.Lines.Select(l => ("log", l)));
        haystacks.AddRange(manager.Messages.Select(m => ($"mqtt {m.Topic}", m.Topic + " " + m.Payload)));
        haystacks.AddRange(File.ReadAllLines(events).Select(l => ("events file", l)));
        haystacks.AddRange(Directory.GetFiles(screens).Select(f => ("screen file name", Path.GetFileName(f))));

        Assert.Contains(logs.Lines, l => l.Contains("Ready to scan", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("clock_fault", StringComparison.Ordinal));
        Assert.True(manager.Messages.Count >= decisions + 2, $"only {manager.Messages.Count} MQTT messages");
        Assert.NotEmpty(Directory.GetFiles(screens));
        foreach (var (where, text) in haystacks)
        {
            foreach (var needle in needles)
            {
                Assert.False(text.Contains(needle, StringComparison.OrdinalIgnoreCase), $"{where} carries a visitor's data ('{needle}'): {text}");
            }

            Assert.False(ColorWord().IsMatch(text), $"{where} names a color: {text}");
        }
    }

    /// <summary>Everything that identifies a visitor or tells their color, in every spelling a leak could take.</summary>
    private static IEnumerable<string> Needles(IReadOnlyList<DemoVisitor> visitors)
    {
        foreach (var visitor in visitors)
        {
            if (visitor.Qr is { } qr)
            {
                yield return qr;

                // A leak of part of the text (e.g. a truncated log line) is a leak too.
                if (qr.Length > 24)
                {
                    yield return qr[..24];
                    yield return qr[^24..];
                }
            }

            if (visitor.Claim is not { } claim)
            {
                continue;
            }

            yield return claim.MaskedName;
            foreach (var part in claim.MaskedName.Split('*', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return part;
            }

            var bytes = claim.Id.ToArray();
            yield return Convert.ToHexString(bytes);
            yield return Convert.ToHexString(bytes.AsSpan(0, 8));
            yield return Convert.ToHexString(bytes.AsSpan(8, 8));
            yield return Convert.ToBase64String(bytes).TrimEnd('=');
            yield return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            yield return new Guid(bytes).ToString();
            yield return claim.Id.High.ToString(CultureInfo.InvariantCulture);
            yield return claim.Id.Low.ToString(CultureInfo.InvariantCulture);
        }
    }

    [GeneratedRegex(@"\b(green|yellow|red)\b|绿|黄|红|""(c|color|colour)""\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex ColorWord();
}
