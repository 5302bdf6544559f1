using System.Diagnostics;
using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using HealthCode.Formats.Identity;
using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.Camera;
using Kiosk.Drivers.IdCard;
using Microsoft.Extensions.DependencyInjection;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// Card laid on the reader → decision without temperature (the card path's <c>no_record</c>), wall clock, through the
/// whole production composition on simulated devices in real time: the SAM driver and adapter over the byte-level
/// emulator with its realistic timing (find and select 30 ms, read 880 ms, 115200 baud), polled every 250 ms as
/// configured. Baseline, same run: the emulated reader's own read alone (one find → select → read of the same card by
/// the driver), the floor of any card decision.
/// </summary>
public sealed class CardDecisionBench : IBenchmark
{
    public IReadOnlyList<string> FigureNames { get; } = ["identity.card_to_decision_ms"];

    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("bench-identity-").FullName;
        try
        {
            var count = options.Quick ? 12 : 40;
            var decisions = await MeasureDecisionsAsync(directory, count, cancellationToken);
            var reads = await MeasureReadsAsync(count, cancellationToken);
            return [new Figure("identity.card_to_decision_ms", Math.Round(Stats.Percentile(decisions, 95), 1), "ms", Math.Round(Stats.Percentile(reads, 95), 1))];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static EmulatedIdCard Card(int i) =>
        new(ResidentIdCard.Compose("230102", new DateOnly(1980, 1, 1).AddDays(i), 100 + i), "王小明", new DateOnly(1980, 1, 1).AddDays(i).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), "20200101", "长期");

    private static async Task<List<double>> MeasureDecisionsAsync(string directory, int count, CancellationToken cancellationToken)
    {
        using var authority = SigningKey.CreateEs256();
        var now = TimeProvider.System.GetUtcNow();
        var key = (ECDsa)authority.Key;
        var trust = new TrustList([], docKey: RandomNumberGenerator.GetBytes(DocRef.KeyLength));
        var settings = new Dictionary<string, string?>
        {
            ["Kiosk:DataDirectory"] = directory,
            ["ColorFeed:DatabasePath"] = Path.Combine(directory, "colors.db"),
            ["ColorFeed:Feed"] = "CN-HL",
            ["ColorFeed:AuthorityKey"] = Convert.ToBase64String(authority.SubjectPublicKeyInfo),
            ["Camera:Source"] = "Simulated",
            ["Camera:FramesPerSecond"] = "30",
            ["Display:FramebufferDevice"] = string.Empty,
            ["Checkpoint:ReferHold"] = "00:00:01",

            // A loaded machine must make the figure slow, not turn the card into an unreadable one.
            ["Identity:ReadTimeout"] = "00:01:00",
        };
        byte[][] feed =
        [
            FeedEncoder.Sign(new TrustMessage(now.AddMinutes(-1), trust), key, authority.Kid),
            FeedEncoder.Sign(new SnapshotMessage("CN-HL", 1, now.AddMinutes(-1), [], []), key, authority.Kid),
        ];
        await using var kiosk = await RunningKiosk.StartAsync(settings, feed, cancellationToken);
        var module = kiosk.Services.GetRequiredService<SamModuleEmulator>();
        kiosk.Services.GetRequiredService<SimulatedCamera>().Show(new SimulatedScene.Empty(false));

        var samples = new List<double>();
        for (var i = 0; i < count + 2; i++)
        {
            kiosk.Expect();
            var placed = Stopwatch.GetTimestamp();
            module.PlaceCard(Card(i));
            var record = await kiosk.DecidedAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(placed).TotalMilliseconds;
            if (record.Decision.Reason != Reason.NoRecord || record.Via != DecisionVia.Card)
            {
                throw new InvalidOperationException($"bench card decided {PolicyNames.Of(record.Decision.Reason)} via {PolicyNames.Of(record.Via)}, expected no_record via card");
            }

            module.RemoveCard();
            await kiosk.ReadyAsync(cancellationToken);

            // A pause of a random length, so the next card falls anywhere in the reader's poll cycle, as a visitor's does.
            await Task.Delay(TimeSpan.FromMilliseconds(1200 + Random.Shared.Next(250)), cancellationToken);
            if (i >= 2)
            {
                samples.Add(elapsed);
            }
        }

        return samples;
    }

    /// <summary>The driver reading a card that lies on the emulated module: find → select → read, nothing else.</summary>
    private static async Task<List<double>> MeasureReadsAsync(int count, CancellationToken cancellationToken)
    {
        using var module = new SamModuleEmulator(TimeProvider.System);
        using var reader = new IdCardReader(module, TimeProvider.System, new IdCardReaderSettings { ReadTimeout = TimeSpan.FromMinutes(1) }, module.DiscardInput, shouldDispose: false);
        var samples = new List<double>();
        for (var i = 0; i < count; i++)
        {
            module.PlaceCard(Card(i));
            var started = Stopwatch.GetTimestamp();
            var result = await reader.PollAsync(cancellationToken);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (result.Outcome != IdCardPollOutcome.CardRead)
            {
                throw new InvalidOperationException($"the emulated reader answered {result.Outcome}");
            }

            module.RemoveCard();
        }

        return samples;
    }
}
