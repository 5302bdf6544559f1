namespace Kiosk.Drivers.Audio;

/// <summary>
/// A clip as the WAV stream <c>SoundDevice.Play(Stream)</c> reads, handed out no faster than it plays, so that a
/// cancelled clip stops within <see cref="Lead"/> plus one ALSA period.
/// </summary>
/// <remarks>
/// <c>SoundDevice.Play</c> cannot be stopped from outside: it writes the stream to the PCM one period at a time until
/// <c>Read</c> returns 0, then drains (plays everything buffered) and closes. ALSA's default buffer holds seconds of
/// audio, so without pacing a "cut" would still play seconds. This stream:
/// <list type="bullet">
/// <item>serves the canonical 44-byte header that <c>SoundDevice</c> expects (it reads exactly that layout);</item>
/// <item>releases the data at most <see cref="Lead"/> ahead of the time since the first data read (the injected clock);</item>
/// <item>always fills the whole buffer asked for (the last chunk padded with silence: <c>SoundDevice</c> writes whole
/// periods, so a short read would replay the previous period's tail);</item>
/// <item>on cancellation ramps the next 20 ms down to silence (no click), then ends.</item>
/// </list>
/// </remarks>
internal sealed class PacedPcmStream : Stream
{
    private static readonly TimeSpan FadeLength = TimeSpan.FromMilliseconds(20);

    private readonly PcmClip _clip;
    private readonly byte[] _header;
    private readonly TimeProvider _time;
    private readonly CancellationToken _cancellationToken;
    private int _headerPosition;
    private int _dataPosition;
    private long _startedAt = -1;
    private bool _ended;

    public PacedPcmStream(PcmClip clip, TimeProvider time, TimeSpan lead, CancellationToken cancellationToken)
    {
        _clip = clip;
        _header = clip.CanonicalHeader();
        _time = time;
        Lead = lead;
        _cancellationToken = cancellationToken;
    }

    /// <summary>How far ahead of the playing position data is released.</summary>
    public TimeSpan Lead { get; }

    /// <summary>Data bytes handed out (the heard part of the clip, plus what was still buffered).</summary>
    public int DataReleased => _dataPosition;

    /// <summary>True when the clip was cut by cancellation.</summary>
    public bool Cut { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_headerPosition < _header.Length)
        {
            var n = Math.Min(buffer.Length, _header.Length - _headerPosition);
            _header.AsSpan(_headerPosition, n).CopyTo(buffer);
            _headerPosition += n;
            return n;
        }

        if (_ended)
        {
            return 0;
        }

        if (_startedAt < 0)
        {
            _startedAt = _time.GetTimestamp();
        }

        if (!WaitForTurn())
        {
            FadeOut(buffer);
            return buffer.Length;
        }

        var copied = _clip.CopyData(_dataPosition, buffer);
        _dataPosition += copied;
        buffer[copied..].Clear();
        _ended = _dataPosition >= _clip.DataSize;
        return buffer.Length;
    }

    // Waits until the next chunk is due (its start at most Lead ahead of the elapsed time); false when cancelled.
    private bool WaitForTurn()
    {
        if (_cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        var due = TimeSpan.FromTicks((long)_dataPosition * TimeSpan.TicksPerSecond / _clip.ByteRate) - Lead;
        var wait = due - _time.GetElapsedTime(_startedAt);
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        using var wake = new ManualResetEventSlim();
        using var timer = _time.CreateTimer(static s => ((ManualResetEventSlim)s!).Set(), wake, wait, Timeout.InfiniteTimeSpan);
        try
        {
            wake.Wait(_cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void FadeOut(Span<byte> buffer)
    {
        Cut = true;
        _ended = true;
        buffer.Clear();
        var frameBytes = _clip.Channels * sizeof(short);
        var fadeFrames = Math.Min((int)(FadeLength.TotalSeconds * _clip.SampleRate), buffer.Length / frameBytes);
        var copied = _clip.CopyData(_dataPosition, buffer[..(fadeFrames * frameBytes)]);
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(buffer[..(copied - copied % frameBytes)]);
        for (var i = 0; i < samples.Length; i++)
        {
            var frame = i / _clip.Channels;
            samples[i] = (short)(samples[i] * (fadeFrames - frame) / fadeFrames);
        }

        _dataPosition += copied;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
