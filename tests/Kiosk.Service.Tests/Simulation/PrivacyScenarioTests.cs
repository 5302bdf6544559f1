using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HealthCode.Formats.Identity;
using Kiosk.Core;
using Kiosk.Drivers.IdCard;
using Kiosk.Service.Cli;
using Kiosk.Service.Hosting;
using Kiosk.Service.Tests.Fleet;
using Kiosk.Simulation;
using Kiosk.Simulation.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Simulation;

/// <summary>
/// The privacy rule of mqtt.md, identity.md and the guide, end to end: the demo's whole scenario (every reason, a proxy
/// code, the assist button, feed alerts, codes confirmed by card, cards alone) plays against a real Mosquitto with every
/// log level switched on, and nothing the kiosk writes — log lines, MQTT messages, the events file, the names of saved
/// screens, any file in its data directory — carries a visitor's QR text, masked name, code id or color, or a card's
/// number, name (or one of its characters), birth date, address, photo bytes or docRef (only the color store may hold
/// docRefs, as the records' key).
/// </summary>
public sealed partial class PrivacyScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("privacy-scenario-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task NoLogLineMessageEventOrFileNameOfAFullScenarioCarriesAVisitorsData()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var manager = await TestSubscriber.StartAsync(broker.Port, "kiosk/#");
        var (path, visitors) = DemoWorld.Create(Path.Combine(_dir, "scenario"));
        var events = Path.Combine(_dir, "events.jsonl");
        var screens = Path.Combine(_dir, "screens");
        var logs = new CapturingLoggerProvider();
        var dataCopy = Path.Combine(_dir, "data");

        var results = await SimulationRunner.PlayScenarioAsync(
            Scenario.Load(path),
            new RunOptions(null, true, path, events, screens, ("127.0.0.1", broker.Port)),
            fleet: true,
            b =>
            {
                b.AddProvider(logs);
                b.SetMinimumLevel(LogLevel.Trace);
            },
            (services, scenarioDone) => CopyDataDirectoryWhenDoneAsync(services, dataCopy, scenarioDone),
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
        Assert.Contains(logs.Lines, l => l.Contains("via card", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("no_record", StringComparison.Ordinal));
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
            foreach (var character in NameCharacters(visitors))
            {
                Assert.False(text.Contains(character, StringComparison.Ordinal), $"{where} carries a character of a card's name ('{character}'): {text}");
            }
        }

        // Files: the SQLite color store, outbox, event sequence, remote configuration... Only the color store holds
        // docRefs (the key of its document records), as raw bytes; nothing holds a card's fields or photo.
        var files = Directory.GetFiles(dataCopy, "*", SearchOption.AllDirectories).Concat(Directory.GetFiles(screens)).Append(events).ToList();
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("colors.db", StringComparison.Ordinal));
        var photo = new EmulatedIdCard("x", "x", "x", "x", "x").Photo;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var (what, needle) in CardByteNeedles(visitors, photo))
            {
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{Path.GetFileName(file)} holds a card's {what}");
            }

            if (!Path.GetFileName(file).StartsWith("colors.db", StringComparison.Ordinal))
            {
                foreach (var docRef in visitors.Where(v => v.CardDocRef is not null).Select(v => v.CardDocRef!.Value.ToArray()))
                {
                    Assert.True(bytes.AsSpan().IndexOf(docRef) < 0, $"{Path.GetFileName(file)} holds a docRef");
                }
            }
        }
    }

    /// <summary>On the simulation loop: when the last visitor is done, copies the kiosk's data directory (it is deleted with the run).</summary>
    private static async Task CopyDataDirectoryWhenDoneAsync(IServiceProvider services, string destination, CancellationToken scenarioDone)
    {
        var source = services.GetRequiredService<IOptions<KioskOptions>>().Value.DataDirectory;
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, services.GetRequiredService<TimeProvider>(), scenarioDone);
        }
        catch (OperationCanceledException)
        {
            Directory.CreateDirectory(destination);
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
            }
        }
    }

    /// <summary>A card's fields as they could sit in a file: ASCII, UTF-8 and UTF-16LE text; and windows of the photo.</summary>
    private static IEnumerable<(string What, byte[] Needle)> CardByteNeedles(IReadOnlyList<DemoVisitor> visitors, byte[] photo)
    {
        foreach (var card in visitors.Select(v => v.Card).OfType<DemoCard>())
        {
            foreach (var (what, text) in new[] { ("number", card.Number), ("name", card.Name), ("birth date", card.Birth), ("address", new EmulatedIdCard("x", "x", "x", "x", "x").Address) })
            {
                yield return (what, Encoding.UTF8.GetBytes(text));
                yield return (what, Encoding.Unicode.GetBytes(text));
            }
        }

        for (var offset = 0; offset + 24 <= photo.Length; offset += 100)
        {
            yield return ("photo", photo[offset..(offset + 24)]);
        }
    }

    /// <summary>Every character of every card's name: not one reaches a text the kiosk writes.</summary>
    private static IEnumerable<string> NameCharacters(IReadOnlyList<DemoVisitor> visitors) =>
        visitors.Select(v => v.Card).OfType<DemoCard>().SelectMany(c => c.Name.EnumerateRunes()).Select(r => r.ToString()).Distinct();

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

            if (visitor.Card is { } card)
            {
                yield return card.Number;
                yield return card.Number[..14];
                yield return card.Number[6..];
                yield return card.Name;
                yield return card.Birth;
                yield return Convert.ToHexString(Encoding.Unicode.GetBytes(card.Number));
                yield return Convert.ToHexString(Encoding.Unicode.GetBytes(card.Name));
                yield return new EmulatedIdCard("x", "x", "x", "x", "x").Address;
            }

            if (visitor.CardDocRef is { } docRef)
            {
                var reference = docRef.ToArray();
                yield return Convert.ToHexString(reference);
                yield return Convert.ToHexString(reference.AsSpan(0, 8));
                yield return Convert.ToBase64String(reference).TrimEnd('=');
                yield return Convert.ToBase64String(reference).TrimEnd('=').Replace('+', '-').Replace('/', '_');
                yield return docRef.High.ToString(CultureInfo.InvariantCulture);
                yield return docRef.Low.ToString(CultureInfo.InvariantCulture);
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
