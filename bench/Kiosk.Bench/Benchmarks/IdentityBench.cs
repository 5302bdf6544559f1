using System.Diagnostics;
using System.Text;
using Kiosk.Drivers.IdCard;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The ID card reader's frame path: decoding and parsing one whole <c>30 01</c> reply (1295 bytes: text and photo)
/// with <see cref="SamFrameCodec"/> and <see cref="IdCardText"/>, against the same job written the plain way (the
/// checksum byte by byte, the whole text decoded to a string and cut into every field with Substring and Trim, the
/// photo copied out) on the same bytes in the same run.
/// </summary>
public sealed class IdentityBench : IBenchmark
{
    private const int Batch = 1_000;

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["identity.frame_parse_us"];

    /// <inheritdoc />
    public Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var card = new EmulatedIdCard("230102198001011236", "王小明", "19800101", "20200101", "长期");
        var frame = SamFrameCodec.EncodeResponse(SamStatus.Success, card.EncodeReadReplyData());
        if (Ours(frame) != card.Number || Plain(frame) != card.Number)
        {
            throw new InvalidOperationException("the two parsers disagree on the bench frame");
        }

        // Warm both paths (tiered JIT), then time batches alternately so both see the same machine.
        for (var i = 0; i < 20 * Batch; i++)
        {
            Ours(frame);
            Plain(frame);
        }

        var batches = options.Quick ? 60 : 300;
        var ours = new List<double>(batches);
        var plain = new List<double>(batches);
        var sink = 0;
        for (var b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var t = Stopwatch.GetTimestamp();
            for (var i = 0; i < Batch; i++)
            {
                sink += Ours(frame)!.Length;
            }

            ours.Add(Stats.ElapsedMs(t) * 1000 / Batch);
            t = Stopwatch.GetTimestamp();
            for (var i = 0; i < Batch; i++)
            {
                sink += Plain(frame)!.Length;
            }

            plain.Add(Stats.ElapsedMs(t) * 1000 / Batch);
        }

        GC.KeepAlive(sink);
        IReadOnlyList<Figure> figures =
        [
            new Figure("identity.frame_parse_us", Math.Round(Stats.Median(ours), 3), "us", Math.Round(Stats.Median(plain), 3)),
        ];
        return Task.FromResult(figures);
    }

    private static string? Ours(byte[] frame) =>
        SamFrameCodec.DecodeResponse(frame, out var response) == SamTransferError.None
        && response.Status == SamStatus.Success
        && IdCardText.TryParse(response.Data, out var text)
            ? text.Number
            : null;

    // The plain way: check byte by byte, decode the whole text, cut every field, keep the photo.
    private static string? Plain(byte[] frame)
    {
        byte[] preamble = [0xAA, 0xAA, 0xAA, 0x96, 0x69];
        for (var i = 0; i < preamble.Length; i++)
        {
            if (frame[i] != preamble[i])
            {
                return null;
            }
        }

        var length = (frame[5] << 8) | frame[6];
        if (frame.Length != 7 + length)
        {
            return null;
        }

        byte sum = 0;
        for (var i = 5; i < frame.Length - 1; i++)
        {
            sum ^= frame[i];
        }

        if (sum != frame[^1] || frame[9] != 0x90)
        {
            return null;
        }

        var textLength = (frame[10] << 8) | frame[11];
        var photoLength = (frame[12] << 8) | frame[13];
        var text = Encoding.Unicode.GetString(frame, 14, textLength);
        var photo = frame.AsSpan(14 + textLength, photoLength).ToArray();
        var fields = new[]
        {
            text.Substring(0, 15).Trim(), text.Substring(15, 1), text.Substring(16, 2), text.Substring(18, 8),
            text.Substring(26, 35).Trim(), text.Substring(61, 18).Trim(), text.Substring(79, 15).Trim(),
            text.Substring(94, 8), text.Substring(102, 8).Trim(), text.Substring(110, 18),
        };
        return photo.Length == photoLength ? fields[5] : null;
    }
}
