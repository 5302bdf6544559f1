using HealthCode.Formats;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Events;
using Kiosk.Service.Tests.Deploy;
using Kiosk.Service.Tests.Fleet;

namespace Kiosk.Service.Tests.FleetConsole;

/// <summary><c>kiosk fleet watch</c> in a real pseudo-terminal (tmux): first screen, a redraw in place, Ctrl-C.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetWatchTerminalTests
{
    private const string Escape = "\u001b[";

    [ToolFact("tmux")]
    public async Task WatchDrawsTheFleetRedrawsInPlaceWithCountsAndAlertsAndRestoresTheTerminalOnCtrlC()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new Fleet.TempDirectory();
        var fleet = Enumerable.Range(0, 3).Select(i => FleetTestKiosk.Create(broker.Port, Path.Combine(data.Path, $"k{i}"), kioskId: $"k0{i}")).ToList();
        await using var terminal = await Tmux.StartAsync($"dotnet {SimulatedKioskProcess.KioskDll} fleet watch --mqtt 127.0.0.1:{broker.Port}", Path.Combine(data.Path, "raw"));
        try
        {
            await Task.WhenAll(fleet.Select(k => k.StartAsync()));

            // The first screen: header, the table, every kiosk.
            var first = await terminal.WaitForScreenAsync(s => s.Contains("3 kiosks: 3 online", StringComparison.Ordinal), "the first screen");
            var lines = first.Split('\n');
            Assert.StartsWith("kiosk fleet watch  kiosk/v1/+", lines[0], StringComparison.Ordinal);
            Assert.Contains(lines, l => l.StartsWith("SITE", StringComparison.Ordinal) && l.Contains("PASS/h", StringComparison.Ordinal) && l.Contains("REFER REASONS/h", StringComparison.Ordinal));
            Assert.Equal(3, lines.Count(l => l.StartsWith("site-a  k0", StringComparison.Ordinal)));

            // Decisions and an alert: the same screen is redrawn with the hour's counts, the degraded kiosk first, the alert below.
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < 3; i++)
            {
                fleet[0].Recorder.Report(Decisions.Pass(now));
            }

            fleet[0].Recorder.Report(Decisions.Valid(now, new Decision(Outcome.Refer, Reason.HealthStatus), HealthColor.Red));
            fleet[0].Recorder.Report(Decisions.Valid(now, new Decision(Outcome.Refer, Reason.HealthStatus), HealthColor.Yellow));
            fleet[0].Recorder.Report(Decisions.Valid(now, new Decision(Outcome.Refer, Reason.TemperatureHigh), temperature: 38.4));
            fleet[1].Alerts.Raise(AlertKinds.ThermometerFault, "PEC mismatch");
            var redrawn = await terminal.WaitForScreenAsync(
                s => s.Contains("health_status:2 temperature_high:1", StringComparison.Ordinal) && s.Contains("thermometer_fault  raised", StringComparison.Ordinal) && s.Contains("1 degraded", StringComparison.Ordinal),
                "the redraw with counts and the alert");
            var rows = redrawn.Split('\n');
            Assert.StartsWith("kiosk fleet watch", rows[0], StringComparison.Ordinal);
            var table = rows.Where(l => l.StartsWith("site-a  k0", StringComparison.Ordinal)).ToArray();
            Assert.Matches(@"^site-a  k01\s+degraded\s+thermometer_fault", table[0]);
            Assert.Matches(@"k00\s+online.*\s3\s+3\s+health_status:2 temperature_high:1$", table.Single(r => r.Contains("k00", StringComparison.Ordinal)));
            Assert.Contains(rows, r => r.Contains("site-a/k01  thermometer_fault  raised  PEC mismatch", StringComparison.Ordinal));

            // Nothing about a visitor on screen: no code reference, no issuer, no color.
            foreach (var decision in fleet[0].Recorded.Events.OfType<DecisionEvent>())
            {
                Assert.DoesNotContain(decision.CodeRef!, redrawn, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("CN-HL", redrawn, StringComparison.Ordinal);

            // Ctrl-C: a clean exit and the shell's screen back.
            await terminal.SendKeysAsync("C-c");
            var after = await terminal.WaitForScreenAsync(s => s.Contains("WATCH-EXITED", StringComparison.Ordinal), "the exit");
            Assert.True(after.Contains("WATCH-EXITED 0", StringComparison.Ordinal), after);
            Assert.DoesNotContain("kiosk fleet watch", after, StringComparison.Ordinal);

            // The byte stream: alternate screen in and out, cursor hidden and shown, one clear on entry, then frames drawn
            // from the home position with every line erased to its end (no clearing between frames, so no flicker).
            var raw = await terminal.RawAsync();
            Assert.Contains($"{Escape}?1049h", raw, StringComparison.Ordinal);
            Assert.Contains($"{Escape}?1049l", raw, StringComparison.Ordinal);
            Assert.Contains($"{Escape}?25l", raw, StringComparison.Ordinal);
            Assert.Contains($"{Escape}?25h", raw, StringComparison.Ordinal);
            Assert.Equal(1, Count(raw, $"{Escape}2J"));
            Assert.True(Count(raw, $"{Escape}H") >= 2, "more than one frame");
            Assert.True(Count(raw, $"{Escape}K") >= 2 * 6, "lines erased to their end");
        }
        finally
        {
            foreach (var kiosk in fleet)
            {
                await kiosk.DisposeAsync();
            }
        }
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>A tmux server of its own (own socket) with one 180 × 40 session running a command, its output also recorded raw.</summary>
    private sealed class Tmux : IAsyncDisposable
    {
        private readonly string _socket;
        private readonly string _raw;

        private Tmux(string socket, string raw)
        {
            _socket = socket;
            _raw = raw;
        }

        public static async Task<Tmux> StartAsync(string command, string raw)
        {
            var tmux = new Tmux("kiosk-watch-" + Guid.NewGuid().ToString("N")[..8], raw);

            // The command waits on a tmux channel until its output is recorded (no timing: the barrier is tmux's); the
            // pane then stays open on a shell wait until the server is killed, so the exit line can be read.
            await tmux.RunAsync("new-session", "-d", "-s", "watch", "-x", "180", "-y", "40", $"tmux -L {tmux._socket} wait-for recorded; {command}; echo WATCH-EXITED $?; tmux -L {tmux._socket} wait-for never");
            await tmux.RunAsync("pipe-pane", "-t", "watch", "-o", $"cat >> {raw}");
            await tmux.RunAsync("wait-for", "-S", "recorded");
            return tmux;
        }

        public Task<string> WaitForScreenAsync(Func<string, bool> condition, string what) =>
            Poll.ForAsync(
                async () => (await RunAsync("capture-pane", "-p", "-t", "watch")).StandardOutput,
                condition,
                what,
                TimeSpan.FromSeconds(60),
                pause: TimeSpan.FromMilliseconds(100),
                detail: screen => $"the screen was:\n{screen}");

        public Task SendKeysAsync(string keys) => RunAsync("send-keys", "-t", "watch", keys);

        public async Task<string> RawAsync()
        {
            await Poll.UntilAsync(() => File.Exists(_raw) && File.ReadAllText(_raw).Contains("WATCH-EXITED", StringComparison.Ordinal), "the recorded output");
            return await File.ReadAllTextAsync(_raw);
        }

        public async ValueTask DisposeAsync() => await DeployTools.RunAsync("tmux", ["-L", _socket, "kill-server"]);

        private async Task<ToolResult> RunAsync(params string[] arguments)
        {
            var result = await DeployTools.RunAsync("tmux", ["-L", _socket, .. arguments]);
            Assert.True(result.ExitCode == 0, $"tmux {string.Join(' ', arguments)}: {result}");
            return result;
        }
    }
}
