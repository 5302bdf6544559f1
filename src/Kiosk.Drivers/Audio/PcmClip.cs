using System.Buffers.Binary;
using System.Text;

namespace Kiosk.Drivers.Audio;

/// <summary>
/// A short sound in memory: 16-bit signed little-endian PCM, 1 or 2 interleaved channels. Read from and written to
/// RIFF/WAVE (<see cref="ReadWav(ReadOnlySpan{byte}, string)"/>, <see cref="WriteWav(Stream)"/>).
/// </summary>
public sealed class PcmClip
{
    /// <summary>Longest clip accepted: a prompt, not a recording of the day.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(30);

    /// <summary>Lowest sample rate accepted (telephone quality).</summary>
    public const int MinSampleRate = 8000;

    /// <summary>Highest sample rate accepted.</summary>
    public const int MaxSampleRate = 48000;

    /// <summary>Size of the canonical header <see cref="WriteWav(Stream)"/> writes (RIFF, fmt of 16 bytes, data).</summary>
    public const int CanonicalHeaderSize = 44;

    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;

    private readonly short[] _samples;

    /// <param name="name">What the clip is, for logs and recordings (e.g. <c>pass.zh</c>).</param>
    /// <param name="sampleRate">Frames per second, <see cref="MinSampleRate"/>..<see cref="MaxSampleRate"/>.</param>
    /// <param name="channels">1 or 2.</param>
    /// <param name="samples">Interleaved samples; the clip keeps the array.</param>
    public PcmClip(string name, int sampleRate, int channels, short[] samples)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, MinSampleRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, MaxSampleRate);
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 or 2 channels");
        }

        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Length % channels != 0)
        {
            throw new ArgumentException("the samples are not whole frames", nameof(samples));
        }

        Name = name;
        SampleRate = sampleRate;
        Channels = channels;
        _samples = samples;
    }

    /// <summary>What the clip is (e.g. <c>pass.zh</c>).</summary>
    public string Name { get; }

    /// <summary>Frames per second.</summary>
    public int SampleRate { get; }

    /// <summary>1 (mono) or 2 (stereo).</summary>
    public int Channels { get; }

    /// <summary>The interleaved samples.</summary>
    public ReadOnlySpan<short> Samples => _samples;

    /// <summary>Number of frames (one sample per channel).</summary>
    public int FrameCount => _samples.Length / Channels;

    /// <summary>How long the clip plays.</summary>
    public TimeSpan Duration => TimeSpan.FromTicks(FrameCount * TimeSpan.TicksPerSecond / SampleRate);

    /// <summary>Bytes per second of the PCM data.</summary>
    public int ByteRate => SampleRate * Channels * sizeof(short);

    /// <summary>Size of the PCM data in bytes.</summary>
    public int DataSize => _samples.Length * sizeof(short);

    /// <summary>Root mean square of the samples relative to full scale (0 = silence, ~0.707 = a full-scale sine).</summary>
    public double Rms
    {
        get
        {
            if (_samples.Length == 0)
            {
                return 0;
            }

            double sum = 0;
            foreach (var s in _samples)
            {
                sum += (double)s * s;
            }

            return Math.Sqrt(sum / _samples.Length) / 32768.0;
        }
    }

    /// <summary>
    /// The same clip with every sample scaled by <paramref name="gain"/> (0..1; 1 returns this clip). The clip is
    /// immutable, so the last scaled copy is kept and given again for the same gain: a prompt said at every visitor
    /// at one volume is scaled once, not at each playing.
    /// </summary>
    public PcmClip WithGain(double gain)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gain);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(gain, 1.0);
        if (gain >= 1.0)
        {
            return this;
        }

        if (Volatile.Read(ref _gained) is { } last && last.Gain.Equals(gain))
        {
            return last.Clip;
        }

        var scaled = new short[_samples.Length];
        for (var i = 0; i < scaled.Length; i++)
        {
            scaled[i] = (short)Math.Round(_samples[i] * gain, MidpointRounding.AwayFromZero);
        }

        var clip = new PcmClip(Name, SampleRate, Channels, scaled);
        Volatile.Write(ref _gained, new Gained(gain, clip));
        return clip;
    }

    private Gained? _gained;

    private sealed record Gained(double Gain, PcmClip Clip);

    /// <summary>The first <paramref name="length"/> of the clip (whole frames), e.g. what was heard before a cut.</summary>
    public PcmClip Take(TimeSpan length)
    {
        var frames = (int)Math.Clamp(length.Ticks * SampleRate / TimeSpan.TicksPerSecond, 0, FrameCount);
        return frames == FrameCount ? this : new PcmClip(Name, SampleRate, Channels, _samples.AsSpan(0, frames * Channels).ToArray());
    }

    /// <summary>The PCM data as little-endian bytes (the kiosk's targets are little-endian), from byte <paramref name="offset"/> into <paramref name="destination"/>; returns the bytes copied.</summary>
    public int CopyData(int offset, Span<byte> destination)
    {
        var count = Math.Clamp(DataSize - offset, 0, destination.Length);
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(_samples.AsSpan()).Slice(offset, count).CopyTo(destination);
        return count;
    }

    /// <summary>The canonical 44-byte WAV header of this clip.</summary>
    public byte[] CanonicalHeader()
    {
        var header = new byte[CanonicalHeaderSize];
        var span = header.AsSpan();
        Encoding.ASCII.GetBytes("RIFF", span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + DataSize));
        Encoding.ASCII.GetBytes("WAVEfmt ", span[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], (ushort)Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], (uint)ByteRate);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], (ushort)(Channels * sizeof(short)));
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        Encoding.ASCII.GetBytes("data", span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)DataSize);
        return header;
    }

    /// <summary>Writes the clip as a canonical WAV file (44-byte header, then the data).</summary>
    public void WriteWav(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(CanonicalHeader());
        var buffer = new byte[Math.Min(DataSize, 64 * 1024)];
        for (var offset = 0; offset < DataSize;)
        {
            var n = CopyData(offset, buffer);
            output.Write(buffer, 0, n);
            offset += n;
        }
    }

    /// <summary>The largest WAV file read: <see cref="MaxDuration"/> at the highest accepted rate in stereo, plus 64 KiB of other chunks (5.6 MiB).</summary>
    public static long MaxWavBytes { get; } = (long)(MaxDuration.TotalSeconds * MaxSampleRate * 2 * sizeof(short)) + 64 * 1024;

    /// <summary>
    /// Reads a WAV file (see <see cref="ReadWav(ReadOnlySpan{byte}, string)"/>), at most <see cref="MaxWavBytes"/>:
    /// the limit holds while reading, so a device or a growing file stops there.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a WAV the kiosk can play; the message says why.</exception>
    public static PcmClip ReadWavFile(string path, string name)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        var bytes = new byte[MaxWavBytes + 1];
        var length = 0;
        int read;
        while (length < bytes.Length && (read = stream.Read(bytes, length, bytes.Length - length)) > 0)
        {
            length += read;
        }

        if (length > MaxWavBytes)
        {
            throw new InvalidDataException($"more than {MaxWavBytes} bytes: longer than {MaxDuration.TotalSeconds:0} s at any accepted format");
        }

        return ReadWav(bytes.AsSpan(0, length), name);
    }

    /// <summary>
    /// Parses RIFF/WAVE: chunks in any order (LIST, fact, ... skipped), <c>fmt </c> PCM or WAVE_FORMAT_EXTENSIBLE
    /// with the PCM subformat, 16 bits per sample, 1 or 2 channels, 8-48 kHz, at most <see cref="MaxDuration"/>
    /// and not empty. Never trusts a size field beyond the bytes there are.
    /// </summary>
    /// <exception cref="InvalidDataException">Not a WAV the kiosk can play; the message says why.</exception>
    public static PcmClip ReadWav(ReadOnlySpan<byte> wav, string name)
    {
        if (wav.Length < 12 || !wav[..4].SequenceEqual("RIFF"u8) || !wav[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("not a RIFF/WAVE file");
        }

        ushort? format = null;
        int channels = 0, sampleRate = 0, bits = 0;
        ReadOnlySpan<byte> data = default;
        var haveData = false;
        var position = 12;
        while (position + 8 <= wav.Length)
        {
            var id = wav.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(wav.Slice(position + 4, 4));
            var bodyStart = position + 8;
            var available = wav.Length - bodyStart;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > available)
                {
                    throw new InvalidDataException("truncated fmt chunk");
                }

                var fmt = wav.Slice(bodyStart, (int)size);
                format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                sampleRate = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]), int.MaxValue);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (format == FormatExtensible && size >= 40)
                {
                    // SubFormat GUID: its first two bytes are the format code (1 = PCM).
                    format = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                // A streaming writer may leave the size at 0 or 0xFFFFFFFF: take what is there.
                var length = size == 0 || size > available ? available : (int)size;
                data = wav.Slice(bodyStart, length);
                haveData = true;
                break;
            }

            if (size > available)
            {
                break;
            }

            // Chunks are padded to an even size.
            position = bodyStart + (int)size + (int)(size & 1);
        }

        if (format is null)
        {
            throw new InvalidDataException("no fmt chunk");
        }

        if (format != FormatPcm)
        {
            throw new InvalidDataException($"audio format {format} is not PCM (compressed WAVs are not played)");
        }

        if (bits != 16)
        {
            throw new InvalidDataException($"{bits}-bit samples: the kiosk plays 16-bit PCM");
        }

        if (channels is not (1 or 2))
        {
            throw new InvalidDataException($"{channels} channels: the kiosk plays mono or stereo");
        }

        if (sampleRate is < MinSampleRate or > MaxSampleRate)
        {
            throw new InvalidDataException($"{sampleRate} Hz: the kiosk plays {MinSampleRate}-{MaxSampleRate} Hz");
        }

        if (!haveData)
        {
            throw new InvalidDataException("no data chunk");
        }

        var frameBytes = channels * sizeof(short);
        var frames = data.Length / frameBytes;
        if (frames == 0)
        {
            throw new InvalidDataException("no samples");
        }

        if (frames > MaxDuration.TotalSeconds * sampleRate)
        {
            throw new InvalidDataException($"{(double)frames / sampleRate:0.0} s: longer than {MaxDuration.TotalSeconds:0} s");
        }

        var samples = new short[frames * channels];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(i * 2, 2));
        }

        return new PcmClip(name, sampleRate, channels, samples);
    }
}
