using System.Diagnostics;
using Kiosk.Service.Tests.Infrastructure;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>A kiosk process killed with SIGKILL: the broker publishes its Will; restarted, its event seq continues.</summary>
[Collection(MosquittoCollection.Name)]
public sealed class FleetWillTests
{
    [Fact]
    public async Task KillingTheKioskProcessPublishesTheRetainedWillLostAndSeqContinuesAfterRestart()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-child/status", "kiosk/v1/site-a/kiosk-child/event/alert");

        using (var first = StartChild(broker.Port, data.Path))
        {
            await WaitForReadyAsync(first);
            await manager.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && State(m) == "online", "online from the child");
            await manager.WaitForAsync(m => m.Topic.EndsWith("/event/alert", StringComparison.Ordinal), "the first alert");
            first.Kill(); // SIGKILL: no DISCONNECT, no offline
            await first.WaitForExitAsync();
        }

        var lost = await manager.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && State(m) == "lost", "the Will");
        Assert.Equal("""{"state":"lost"}""", lost.Payload);
        Assert.DoesNotContain(manager.Messages, m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && State(m) == "offline");

        // Retained: whoever looks later sees "lost".
        await using (var newcomer = await TestSubscriber.StartAsync(broker.Port, "kiosk/v1/site-a/kiosk-child/status"))
        {
            var retained = await newcomer.WaitForAsync(_ => true, "the retained Will");
            Assert.True(retained.Retain);
            Assert.Equal("lost", State(retained));
        }

        using (var second = StartChild(broker.Port, data.Path))
        {
            await WaitForReadyAsync(second);
            // At least once: the first process may have been killed between the PUBACK and deleting the row, so
            // its event can come again; dedupe by eventId as a consumer does.
            List<(Guid Id, long Seq)> Alerts() => manager.Messages.Where(m => m.Topic.EndsWith("/event/alert", StringComparison.Ordinal))
                .Select(m => (m.Json.GetProperty("eventId").GetGuid(), m.Json.GetProperty("seq").GetInt64())).Distinct().ToList();
            await manager.WaitUntilAsync(() => Alerts().Count >= 2, "the second process's alert");
            var seqs = Alerts().Select(a => a.Seq).ToList();
            Assert.Equal(2, seqs.Count);
            Assert.True(seqs[1] > seqs[0], $"seq went from {seqs[0]} to {seqs[1]}");
            var online = manager.Messages.Where(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && State(m) == "online").Select(m => m.Json.GetProperty("bootId").GetGuid()).Distinct().Count();
            Assert.Equal(2, online); // a new bootId per process

            // A clean stop (stdin closed) says offline, not lost.
            second.StandardInput.Close();
            await second.WaitForExitAsync();
            Assert.Equal(0, second.ExitCode);
        }

        await manager.WaitForAsync(m => m.Topic.EndsWith("/status", StringComparison.Ordinal) && State(m) == "offline", "offline after the clean stop");
    }

    private static string? State(ReceivedMessage m) => m.Json.GetProperty("state").GetString();

    private static Process StartChild(int port, string dataDirectory)
    {
        var baseDirectory = AppContext.BaseDirectory.TrimEnd('/');
        var configuration = Path.GetFileName(Path.GetDirectoryName(baseDirectory))!; // …/bin/{Debug|Release}/net10.0
        var dll = Path.GetFullPath(Path.Combine(baseDirectory, "..", "..", "..", "..", "Kiosk.Fleet.TestClient", "bin", configuration, "net10.0", "Kiosk.Fleet.TestClient.dll"));
        Assert.True(File.Exists(dll), $"{dll} was not built");
        var info = new ProcessStartInfo("dotnet", [dll, port.ToString(System.Globalization.CultureInfo.InvariantCulture), dataDirectory])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(info)!;
    }

    private static async Task WaitForReadyAsync(Process child)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "ready")
        {
            var error = await child.StandardError.ReadToEndAsync(timeout.Token);
            Assert.Fail($"child said '{line}': {error}");
        }
    }
}
