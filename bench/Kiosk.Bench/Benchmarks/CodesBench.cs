using System.Diagnostics;
using System.Formats.Cbor;
using System.Security.Cryptography;
using HealthCode.Formats;
using Kiosk.Colors.Codes;
using Kiosk.Core.Checkpoint;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The kiosk's code verification, full pipeline from QR text (prefix, Base45, inflate, COSE_Sign1, claims, trust list,
/// ES256) through <see cref="TrustListCodeVerifier"/>, against the bare <see cref="ECDsa.VerifyData(byte[], byte[], HashAlgorithmName)"/>
/// of the same Sig_structure with the same key: the floor no verifier can go below.
/// </summary>
public sealed class CodesBench : IBenchmark
{
    private const int Block = 100;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["codes.verify.us", "codes.verify.alloc_bytes"];

    /// <inheritdoc />
    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var now = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        using var key = SigningKey.CreateEs256();
        var trust = new TrustList([key.ToTrustedIssuer("CN-HL", now.AddDays(-1), now.AddDays(365))]);
        var verifier = new TrustListCodeVerifier(new FixedTrust(trust), PolicyDefaults.ClockSkew);
        var claim = new HealthCodeClaim(CodeId.FromBytes(RandomNumberGenerator.GetBytes(16)), HealthColor.Green, now.AddDays(-3).ToUnixTimeSeconds(), "王*明", false);
        var issuer = new HealthCodeIssuer(key);
        var text = issuer.Issue("CN-HL", now.AddMinutes(-1), now.AddMinutes(4), claim);
        var cose = issuer.IssueCose("CN-HL", now.AddMinutes(-1), now.AddMinutes(4), claim);
        var (toBeSigned, signature) = SigStructure(cose);
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);

        if (verifier.Verify(text, now).Verdict != CodeVerdict.Valid || !publicKey.VerifyData(toBeSigned, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            throw new InvalidOperationException("the benchmark code does not verify");
        }

        var blocks = options.Quick ? 30 : 300;
        var (ours, raw) = Measure(
            blocks,
            () => verifier.Verify(text, now),
            () => publicKey.VerifyData(toBeSigned, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
            cancellationToken);

        var oursBytes = AllocatedPerCall(() => verifier.Verify(text, now));
        var rawBytes = AllocatedPerCall(() => publicKey.VerifyData(toBeSigned, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        return Task.FromResult<IReadOnlyList<Figure>>(
        [
            new Figure("codes.verify.us", Math.Round(ours, 2), "us", Math.Round(raw, 2)),
            new Figure("codes.verify.alloc_bytes", oursBytes, "bytes", rawBytes),
        ]);
    }

    // Median over blocks of the mean time per call; the two calls' blocks alternate so both see the same machine load.
    private static (double Ours, double Baseline) Measure<T1, T2>(int blocks, Func<T1> ours, Func<T2> baseline, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 2 * Block; i++)
        {
            ours(); // warm-up: JIT, key import, pools
            baseline();
        }

        var oursSamples = new List<double>(blocks);
        var baselineSamples = new List<double>(blocks);
        for (var b = 0; b < blocks; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            oursSamples.Add(TimeBlock(ours));
            baselineSamples.Add(TimeBlock(baseline));
        }

        return (Stats.Median(oursSamples), Stats.Median(baselineSamples));
    }

    private static double TimeBlock<T>(Func<T> call)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < Block; i++)
        {
            call();
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / Block;
    }

    private static double AllocatedPerCall<T>(Func<T> call)
    {
        call();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Block; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Block;
    }

    private static (byte[] ToBeSigned, byte[] Signature) SigStructure(byte[] cose)
    {
        var reader = new CborReader(cose);
        reader.ReadTag();
        reader.ReadStartArray();
        var protectedBytes = reader.ReadByteString();
        reader.SkipValue();
        var payload = reader.ReadByteString();
        var signature = reader.ReadByteString();
        var writer = new CborWriter();
        writer.WriteStartArray(4);
        writer.WriteTextString("Signature1");
        writer.WriteByteString(protectedBytes);
        writer.WriteByteString([]);
        writer.WriteByteString(payload);
        writer.WriteEndArray();
        return (writer.Encode(), signature);
    }

    private sealed class FixedTrust(TrustList trust) : ITrustListSource
    {
        public TrustList Current => trust;
    }
}
