using Kiosk.Drivers.IdCard;

namespace Kiosk.Drivers.Tests.IdCard;

/// <summary>
/// A serial line that answers each request with the next scripted reply, bytes as given (junk, corrupt frames,
/// nothing): the hardware boundary for the cases the emulator does not produce. Reads wait until bytes are there and
/// honour cancellation; completions run inline, so a fake clock drives everything.
/// </summary>
internal sealed class ScriptedLine(params byte[]?[] replies) : Stream
{
    private readonly Queue<byte[]?> _replies = new(replies);
    private readonly Queue<byte> _pending = new();
    private TaskCompletionSource<int>? _read;
    private Memory<byte> _readBuffer;

    public List<SamCommand> Requests { get; } = [];

    public int Discards { get; private set; }

    /// <summary>When set, every write throws it (a port that vanished).</summary>
    public Exception? Broken { get; set; }

    /// <summary>Bytes a late reply left on the line: they arrive with the next reply unless discarded.</summary>
    public void Discard()
    {
        Discards++;
        _pending.Clear();
    }

    /// <summary>Puts bytes on the line now, as a module talking out of turn.</summary>
    public void Send(byte[] bytes)
    {
        foreach (var b in bytes)
        {
            _pending.Enqueue(b);
        }

        if (_read is { } read && _pending.Count > 0)
        {
            _read = null;
            read.TrySetResult(Take(_readBuffer.Span));
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending.Count > 0)
        {
            return ValueTask.FromResult(Take(buffer.Span));
        }

        var read = new TaskCompletionSource<int>();
        _read = read;
        _readBuffer = buffer;
        cancellationToken.Register(() =>
        {
            if (ReferenceEquals(_read, read))
            {
                _read = null;
            }

            read.TrySetCanceled(cancellationToken);
        });
        return new ValueTask<int>(read.Task);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Broken is not null)
        {
            return ValueTask.FromException(Broken);
        }

        Assert.Equal(SamTransferError.None, SamFrameCodec.DecodeRequest(buffer.Span, out var request));
        Requests.Add(request.Command);
        if (_replies.TryDequeue(out var reply) && reply is not null)
        {
            Send(reply);
        }

        return ValueTask.CompletedTask;
    }

    private int Take(Span<byte> destination)
    {
        var n = 0;
        while (n < destination.Length && _pending.TryDequeue(out var b))
        {
            destination[n++] = b;
        }

        return n;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
}
