using System.Diagnostics;
using System.Security.Cryptography;
using HealthCode.Formats;
using HealthCode.Formats.Feed;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// <c>kiosk enroll --authority-from-broker</c>'s arithmetic: the authority key recovered from a retained trust and
/// heartbeat (<see cref="AuthorityKeyRecovery.Recover"/>: BigInteger recovery of up to 4 candidates per signature, each
/// checked by .NET's ECDSA and COSE verification), against what the key-file path does with the same two messages
/// (<see cref="FeedCodec.Decode"/> with the known key). Once per enrolment, so milliseconds are fine; the figure says how many.
/// </summary>
public sealed class EnrollBench : IBenchmark
{
    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["enroll.key_recovery_ms"];

    /// <inheritdoc />
    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var at = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        SignedFeedMessage[] messages =
        [
            new("hc/v1/trust", FeedEncoder.Sign(new TrustMessage(at, new TrustList([])), authority)),
            new("hc/v1/colors/heartbeat", FeedEncoder.Sign(new HeartbeatMessage("CN-HL", 7, at), authority)),
        ];
        using var known = AuthorityKey.FromSpki(authority.ExportSubjectPublicKeyInfo());
        if (AuthorityKeyRecovery.Recover(messages).Key is not { } key || !key.AsSpan().SequenceEqual(authority.ExportSubjectPublicKeyInfo())
            || messages.Any(m => FeedCodec.Decode(m.Cose.Span, known).Message is null))
        {
            throw new InvalidOperationException("the benchmark's messages do not give their key back");
        }

        var runs = options.Quick ? 10 : 60;
        var ours = new List<double>(runs);
        var baseline = new List<double>(runs);
        for (var i = -3; i < runs; i++) // three warm-up rounds: JIT, OpenSSL key import
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            _ = AuthorityKeyRecovery.Recover(messages);
            var recovered = Stats.ElapsedMs(start);
            start = Stopwatch.GetTimestamp();
            foreach (var message in messages)
            {
                _ = FeedCodec.Decode(message.Cose.Span, known);
            }

            var decoded = Stats.ElapsedMs(start);
            if (i >= 0)
            {
                ours.Add(recovered);
                baseline.Add(decoded);
            }
        }

        return Task.FromResult<IReadOnlyList<Figure>>([new Figure("enroll.key_recovery_ms", Math.Round(Stats.Median(ours), 3), "ms", Math.Round(Stats.Median(baseline), 3))]);
    }
}
