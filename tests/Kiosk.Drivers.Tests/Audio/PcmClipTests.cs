using System.Buffers.Binary;
using Kiosk.Drivers.Audio;

namespace Kiosk.Drivers.Tests.Audio;

/// <summary>Reading and writing WAV: what the kiosk plays, and every way a dropped-in file can be wrong.</summary>
public sealed class PcmClipTests
{
    [Fact]
    public void AClipWrittenAsWavReadsBackTheSame()
    {
        var clip = Sine("tone", 16000, 1, 440, TimeSpan.FromMilliseconds(250));
        using var file = new MemoryStream();
        clip.WriteWav(file);

        var bytes = file.ToArray();
        var read = PcmClip.ReadWav(bytes, "again");

        Assert.Equal(PcmClip.CanonicalHeaderSize + clip.DataSize, bytes.Length);
        Assert.Equal(16000, read.SampleRate);
        Assert.Equal(1, read.Channels);
        Assert.Equal(TimeSpan.FromMilliseconds(250), read.Duration);
        Assert.True(clip.Samples.SequenceEqual(read.Samples));
        Assert.Equal("again", read.Name);
    }

    [Fact]
    public void ReadsWavsWithExtraChunksExtensibleFormatAndAStreamingSize()
    {
        var clip = Sine("tone", 22050, 2, 300, TimeSpan.FromMilliseconds(100));
        var data = Data(clip);

        var withList = Riff(Chunk("LIST", "INFOISFT\u0004\0\0\0sox\0"u8.ToArray()), Chunk("fmt ", Fmt(1, 2, 22050, 16)), Chunk("data", data));
        var extensible = Riff(Chunk("fmt ", ExtensibleFmt(2, 22050, 16)), Chunk("fact", new byte[4]), Chunk("data", data));
        var streaming = Riff(Chunk("fmt ", Fmt(1, 2, 22050, 16)), ChunkWithSize("data", 0xFFFFFFFF, data));

        foreach (var wav in new[] { withList, extensible, streaming })
        {
            var read = PcmClip.ReadWav(wav, "x");
            Assert.Equal(2, read.Channels);
            Assert.Equal(22050, read.SampleRate);
            Assert.True(clip.Samples.SequenceEqual(read.Samples));
        }
    }

    [Theory]
    [InlineData("text", "not a RIFF/WAVE file")]
    [InlineData("8bit", "8-bit samples")]
    [InlineData("alaw", "audio format 6 is not PCM")]
    [InlineData("surround", "6 channels")]
    [InlineData("rate", "96000 Hz")]
    [InlineData("nofmt", "no fmt chunk")]
    [InlineData("nodata", "no data chunk")]
    [InlineData("empty", "no samples")]
    [InlineData("long", "longer than 30 s")]
    [InlineData("truncated", "truncated fmt chunk")]
    public void RefusesWhatItCannotPlaySayingWhy(string kind, string reason)
    {
        var tone = Data(Sine("t", 8000, 1, 440, TimeSpan.FromMilliseconds(10)));
        var wav = kind switch
        {
            "text" => "hello, this is not audio"u8.ToArray(),
            "8bit" => Riff(Chunk("fmt ", Fmt(1, 1, 16000, 8)), Chunk("data", tone)),
            "alaw" => Riff(Chunk("fmt ", Fmt(6, 1, 8000, 8)), Chunk("data", tone)),
            "surround" => Riff(Chunk("fmt ", Fmt(1, 6, 16000, 16)), Chunk("data", new byte[1200])),
            "rate" => Riff(Chunk("fmt ", Fmt(1, 1, 96000, 16)), Chunk("data", tone)),
            "nofmt" => Riff(Chunk("data", tone)),
            "nodata" => Riff(Chunk("fmt ", Fmt(1, 1, 16000, 16))),
            "empty" => Riff(Chunk("fmt ", Fmt(1, 1, 16000, 16)), Chunk("data", [])),
            "long" => Riff(Chunk("fmt ", Fmt(1, 1, 8000, 16)), Chunk("data", new byte[31 * 8000 * 2])),
            _ => Riff(ChunkWithSize("fmt ", 16, Fmt(1, 1, 16000, 16)[..10])),
        };

        var error = Assert.Throws<InvalidDataException>(() => PcmClip.ReadWav(wav, "x"));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void RandomAndMangledBytesAreRefusedNeverCrash()
    {
        var random = new Random(7);
        var good = new MemoryStream();
        Sine("t", 16000, 1, 440, TimeSpan.FromMilliseconds(20)).WriteWav(good);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = good.ToArray();
            if (i % 2 == 0)
            {
                for (var k = 0; k < 1 + random.Next(8); k++)
                {
                    bytes[random.Next(Math.Min(bytes.Length, 64))] = (byte)random.Next(256);
                }
            }
            else
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }

            try
            {
                var clip = PcmClip.ReadWav(bytes, "x");
                Assert.InRange(clip.Duration, TimeSpan.Zero, PcmClip.MaxDuration);
            }
            catch (InvalidDataException)
            {
                // Refused: fine.
            }
        }
    }

    [Fact]
    public void GainScalesTheSamplesAndTakeKeepsWholeFrames()
    {
        var clip = Sine("t", 16000, 2, 440, TimeSpan.FromMilliseconds(100));

        var half = clip.WithGain(0.5);
        var silent = clip.WithGain(0);
        var first = clip.Take(TimeSpan.FromMilliseconds(40));

        Assert.Equal(clip.Rms / 2, half.Rms, 3);
        Assert.Equal(0, silent.Rms);
        Assert.Same(clip, clip.WithGain(1));
        Assert.Equal(640, first.FrameCount);
        Assert.Equal(1280, first.Samples.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => clip.WithGain(1.5));
    }

    [Fact]
    public void AClipScaledAgainAtTheSameGainIsTheCopyScaledBeforeAndAnotherGainScalesAfresh()
    {
        var clip = Sine("t", 16000, 1, 440, TimeSpan.FromMilliseconds(50));

        var first = clip.WithGain(0.4);
        Assert.Same(first, clip.WithGain(0.4));
        var other = clip.WithGain(0.7);
        Assert.NotSame(first, other);
        Assert.Equal(clip.Samples.ToArray().Select(s => (short)Math.Round(s * 0.7, MidpointRounding.AwayFromZero)), other.Samples.ToArray());
        Assert.Equal(clip.Samples.ToArray().Select(s => (short)Math.Round(s * 0.4, MidpointRounding.AwayFromZero)), clip.WithGain(0.4).Samples.ToArray());
    }

    internal static PcmClip Sine(string name, int rate, int channels, double hz, TimeSpan length)
    {
        var frames = (int)(length.TotalSeconds * rate);
        var samples = new short[frames * channels];
        for (var f = 0; f < frames; f++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * hz * f / rate) * 16000);
            for (var c = 0; c < channels; c++)
            {
                samples[f * channels + c] = value;
            }
        }

        return new PcmClip(name, rate, channels, samples);
    }

    private static byte[] Data(PcmClip clip)
    {
        var data = new byte[clip.DataSize];
        clip.CopyData(0, data);
        return data;
    }

    private static byte[] Fmt(ushort format, ushort channels, uint rate, ushort bits)
    {
        var fmt = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, format);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), rate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), rate * channels * bits / 8);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)(channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), bits);
        return fmt;
    }

    private static byte[] ExtensibleFmt(ushort channels, uint rate, ushort bits)
    {
        var fmt = new byte[40];
        Fmt(0xFFFE, channels, rate, bits).CopyTo(fmt, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), bits);
        // KSDATAFORMAT_SUBTYPE_PCM: 00000001-0000-0010-8000-00aa00389b71
        new Guid("00000001-0000-0010-8000-00aa00389b71").ToByteArray().CopyTo(fmt, 24);
        return fmt;
    }

    private static byte[] Chunk(string id, byte[] body) => ChunkWithSize(id, (uint)body.Length, body);

    private static byte[] ChunkWithSize(string id, uint size, byte[] body)
    {
        var chunk = new byte[8 + body.Length + (body.Length & 1)];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), size);
        body.CopyTo(chunk, 8);
        return chunk;
    }

    private static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var riff = new byte[12 + body.Length];
        "RIFF"u8.CopyTo(riff);
        BinaryPrimitives.WriteUInt32LittleEndian(riff.AsSpan(4), (uint)(4 + body.Length));
        "WAVE"u8.CopyTo(riff.AsSpan(8));
        body.CopyTo(riff, 12);
        return riff;
    }
}
