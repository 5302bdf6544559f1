using System.Formats.Cbor;
using System.Security.Cryptography;
using CsCheck;
using HealthCode.Formats;
using HealthCode.Formats.Feed;
using Kiosk.Colors;

using static Kiosk.Service.Tests.Colors.FeedWorld;

namespace Kiosk.Service.Tests.Colors;

/// <summary>
/// Hostile feed messages, like the code fuzz of the formats (HostileInputTests): byte mutations of signed snapshot,
/// batch, heartbeat and trust messages, and payloads of the wrong shape signed with the real authority key (wrong
/// types, duplicate keys, huge declared lengths, missing and extra fields). Into a real SQLite
/// <see cref="ColorStore"/> through the real <see cref="ColorFeedProcessor"/>: no exception escapes, and no mutant
/// that fails verification or decoding changes anything (records, seq, pending batches, trust list, clock fault).
/// Seeded: every run tries the same mutants.
/// </summary>
public sealed class FeedFuzzTests : IDisposable
{
    private const string Seed = "0000000000001";
    private readonly FeedWorld _w = new();
    private readonly byte[][] _valid;

    public FeedFuzzTests()
    {
        Assert.Equal(FeedOutcomeKind.TrustReplaced, _w.Apply(new TrustMessage(T0, ColorFeedRulesTests.TrustListWith("CN-HL"))).Kind);
        Assert.Equal(FeedOutcomeKind.SnapshotApplied, _w.Apply(_w.Snapshot(3, T0, Record(1, HealthColor.Red, 10), Record(2, HealthColor.Green, 10))).Kind);
        Assert.Equal(FeedOutcomeKind.BatchApplied, _w.Apply(_w.Batch(4, T0.AddMinutes(1), Record(3, HealthColor.Yellow, 20))).Kind);

        // What a mutant starts from: the next messages the feed would send, each of which would change the state.
        _valid =
        [
            _w.Sign(_w.Snapshot(9, T0.AddMinutes(5), Record(1, HealthColor.Green, 30), Record(7, HealthColor.Red, 30))),
            _w.Sign(_w.Batch(5, T0.AddMinutes(2), Record(2, HealthColor.Red, 40))),
            _w.Sign(_w.Heartbeat(5, T0.AddMinutes(3))),
            _w.Sign(new TrustMessage(T0.AddDays(1), ColorFeedRulesTests.TrustListWith("CN-BJ"))),
        ];
    }

    public void Dispose() => _w.Dispose();

    private string State() => $"{_w.Fingerprint()}|clock fault {_w.Processor.ClockFault}";

    /// <summary>Processes a mutant; a rejected one must leave every state as it was.</summary>
    private FeedOutcome ProcessUnchangedUnlessAccepted(byte[] mutant, string what)
    {
        var before = State();
        var outcome = _w.Processor.Process(mutant);
        Assert.NotEqual(FeedOutcomeKind.StoreFailed, outcome.Kind);
        if (outcome.Kind == FeedOutcomeKind.Rejected)
        {
            Assert.True(before == State(), $"a rejected {what} changed the state ({outcome.Detail})");
        }

        return outcome;
    }

    [Fact]
    public void ByteMutationsOfSignedMessagesChangeNothing()
    {
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Byte.Array[1, 9]).Sample((message, kind, where, bytes) =>
        {
            var valid = _valid[message];
            var mutant = Mutate(valid, kind, where, bytes);
            var outcome = ProcessUnchangedUnlessAccepted(mutant, $"mutant {kind} of message {message}");
            if (outcome.Kind != FeedOutcomeKind.Rejected)
            {
                // Accepted: the signed payload must be the original's (a mutation of an unsigned part, such as the tag),
                // so the state it changed is the one the valid message changes.
                Assert.True(SignedPayload(mutant).SequenceEqual(SignedPayload(valid)), $"mutant {kind} of message {message} was accepted: {outcome}");
            }
        }, seed: Seed, iter: 3_000, threads: 1);
    }

    [Fact]
    public void WronglyShapedPayloadsSignedByTheAuthorityAreRejectedAndChangeNothing()
    {
        var original = State();
        Gen.Select(Gen.Int[0, Shapes - 1], Gen.Int[0, 3], Gen.Long).Sample((shape, type, n) =>
        {
            var payload = Shaped(shape, type, n);
            var outcome = ProcessUnchangedUnlessAccepted(FeedEncoder.SignPayload(payload, _w.Authority), $"shape {shape}");
            Assert.True(outcome.Kind == FeedOutcomeKind.Rejected, $"shape {shape} of type {type} was not rejected: {outcome}");
        }, seed: Seed, iter: 1_500, threads: 1);
        Assert.Equal(original, State());
    }

    [Fact]
    public void ARandomByteStringOrAnotherAuthoritysMessageChangesNothing()
    {
        var original = State();
        using var rogue = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Gen.Byte.Array[0, 400].Sample(bytes => ProcessUnchangedUnlessAccepted(bytes, "random bytes"), seed: Seed, iter: 2_000, threads: 1);
        foreach (var message in new FeedMessage[] { _w.Snapshot(9, T0, Record(1, HealthColor.Green, 99)), _w.Heartbeat(5, T0.AddMinutes(3)) })
        {
            Assert.Equal(FeedOutcomeKind.Rejected, ProcessUnchangedUnlessAccepted(FeedEncoder.Sign(message, rogue), "rogue-signed message").Kind);
        }

        Assert.Equal(original, State());
    }

    private static byte[] Mutate(byte[] valid, int kind, int where, byte[] bytes)
    {
        var i = where % valid.Length;
        return kind switch
        {
            0 => [.. valid[..i], (byte)(valid[i] ^ (bytes[0] == 0 ? 1 : bytes[0])), .. valid[(i + 1)..]], // flip bits
            1 => [.. valid[..i], .. bytes, .. valid[i..]],                                             // insert
            2 => [.. valid[..i], .. valid[Math.Min(valid.Length, i + bytes.Length)..]],               // delete
            3 => valid[..i],                                                                          // truncate
            4 => [.. valid[..i], 0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0, .. valid[(i + 1)..]], // a huge declared length
            _ => [.. valid, .. bytes],                                                                // trailing bytes
        };
    }

    private static byte[] SignedPayload(byte[] cose)
    {
        try
        {
            return System.Security.Cryptography.Cose.CoseMessage.DecodeSign1(cose).Content?.ToArray() ?? [];
        }
        catch (CryptographicException)
        {
            return [];
        }
    }

    private const int Shapes = 12;

    /// <summary>A payload of the wrong shape for message type <paramref name="type"/> (snapshot, batch, heartbeat, trust).</summary>
    private byte[] Shaped(int shape, int type, long n)
    {
        var t = type switch { 0 => "snapshot", 1 => "batch", 2 => "heartbeat", _ => "trust" };
        var writer = new CborWriter(CborConformanceMode.Lax, allowMultipleRootLevelValues: true);
        switch (shape)
        {
            case 0: // the type as a number
                Map(writer, ("t", w => w.WriteInt64(n)), ("feed", w => w.WriteTextString(_w.Feed)), ("seq", w => w.WriteUInt64(10)), ("at", w => w.WriteInt64(T0.ToUnixTimeSeconds())));
                break;
            case 1: // duplicate keys: a second seq
                Map(writer, ("t", w => w.WriteTextString(t)), ("feed", w => w.WriteTextString(_w.Feed)), ("seq", w => w.WriteUInt64(10)), ("seq", w => w.WriteUInt64(11)), ("at", w => w.WriteInt64(T0.ToUnixTimeSeconds())));
                break;
            case 2: // seq as text
                Map(writer, ("t", w => w.WriteTextString(t)), ("feed", w => w.WriteTextString(_w.Feed)), ("seq", w => w.WriteTextString("10")), ("at", w => w.WriteInt64(T0.ToUnixTimeSeconds())));
                break;
            case 3: // at out of any calendar
                Map(writer, ("t", w => w.WriteTextString(t)), ("feed", w => w.WriteTextString(_w.Feed)), ("seq", w => w.WriteUInt64(10)), ("at", w => w.WriteInt64(n >= 0 ? long.MaxValue - (n % 1000) : long.MinValue - (n % 1000))));
                break;
            case 4: // records declared 2^32 - 1 long, two (empty arrays) given: the empty records array, last, is replaced
                Map(writer, ("t", w => w.WriteTextString(t)), ("feed", w => w.WriteTextString(_w.Feed)), ("seq", w => w.WriteUInt64(10)), ("at", w => w.WriteInt64(T0.ToUnixTimeSeconds())), ("records", w =>
                {
                    w.WriteStartArray(0);
                    w.WriteEndArray();
                }));
                return [.. writer.Encode()[..^1], 0x9A, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x80];
            case 5: // a record of the wrong arity and types
                Map(writer, ("t", w => w.WriteTextString(t)), ("feed", w => w.WriteTextString(_w.Feed)), ("seq", w => w.WriteUInt64(10)), ("at", w => w.WriteInt64(T0.ToUnixTimeSeconds())), ("records", w =>
                {
                    w.WriteStartArray(1);
                    w.WriteStartArray(3);
                    w.WriteInt64(n);
                    w.WriteTextString("not an id");
                    w.WriteBoolean(true);
                    w.WriteEndArray();
                    w.WriteEndArray();
                }));
                break;
            case 6: // a color out of range
                Map(writer, ("t", w => w.WriteTextString(t)), ("feed", w => w.WriteTextString(_w.Feed)), ("seq", w => w.WriteUInt64(10)), ("at", w => w.WriteInt64(T0.ToUnixTimeSeconds())), ("records", w =>
                {
                    w.WriteStartArray(1);
                    w.WriteStartArray(4);
                    w.WriteTextString("CN-HL");
                    w.WriteByteString(new byte[16]);
                    w.WriteUInt64(3 + (ulong)(n & 0xFFFF));
                    w.WriteInt64(10);
                    w.WriteEndArray();
                    w.WriteEndArray();
                }));
                break;
            case 7: // {"t": a text string declaring 2^63 - 1 bytes, one given}
                return [0xA1, 0x61, (byte)'t', 0x7B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'x'];
            case 8: // nesting far deeper than any message
                for (var i = 0; i < 200; i++)
                {
                    writer.WriteStartArray(1);
                }

                writer.WriteInt64(n);
                for (var i = 0; i < 200; i++)
                {
                    writer.WriteEndArray();
                }

                break;
            case 9: // another feed's name, too long
                Map(writer, ("t", w => w.WriteTextString(t)), ("feed", w => w.WriteTextString(new string('F', 10_000))), ("seq", w => w.WriteUInt64(10)), ("at", w => w.WriteInt64(T0.ToUnixTimeSeconds())));
                break;
            case 10: // not a map at all, with trailing data
                writer.WriteTextString(t);
                writer.WriteInt64(n);
                break;
            default: // a trust message whose issuers are the wrong type
                Map(writer, ("t", w => w.WriteTextString("trust")), ("at", w => w.WriteInt64(T0.AddDays(2).ToUnixTimeSeconds())), ("issuers", w => w.WriteInt64(n)));
                break;
        }

        return writer.Encode();
    }

    private static void Map(CborWriter writer, params (string Key, Action<CborWriter> Value)[] entries)
    {
        writer.WriteStartMap(entries.Length);
        foreach (var (key, value) in entries)
        {
            writer.WriteTextString(key);
            value(writer);
        }

        writer.WriteEndMap();
    }
}
