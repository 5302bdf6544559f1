namespace Kiosk.Drivers.IdCard;

/// <summary>
/// A simulated SAM module (GA 467) at the serial boundary: a duplex <see cref="Stream"/> that takes request frames
/// and answers them byte for byte like the real module, paced on the injected <see cref="TimeProvider"/> (processing
/// time, then the reply on the line at the configured baud rate, in chunks).
/// </summary>
/// <remarks>
/// <para>A card can be placed or removed at any time (<see cref="PlaceCard"/>, <see cref="RemoveCard"/>); a card taken
/// away while a read is being processed makes that read answer <c>41</c>. The card's whole text, address included,
/// and its 1024-byte photo are sent, as a real module does.</para>
/// <para>Faults (<see cref="SamModuleFault"/>) are set persistently with <see cref="Fault"/> or once with
/// <see cref="InjectOnce"/>. A request with a wrong checksum is answered <c>10</c>, a wrong length <c>11</c>, an
/// unknown command <c>21</c>.</para>
/// <para>Reads complete from timer callbacks of the <see cref="TimeProvider"/> (in a simulation: on its loop), never
/// through the thread pool. One read at a time; reads honour cancellation. Thread-safe.</para>
/// </remarks>
public sealed class SamModuleEmulator : Stream
{
    private const int ChunkBytes = 128;
    private static readonly byte[] CardStatusWords = [0x6A, 0x82];

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly HashSet<ITimer> _timers = [];
    private readonly List<(SamModuleFault Fault, SamCommand? Command)> _oneShot = [];
    private readonly Dictionary<SamCommand, long> _requestsByCommand = [];
    private readonly Queue<(DateTimeOffset Due, byte[] Chunk)> _line = new();
    private readonly byte[] _in = new byte[2 * SamFrameCodec.MaxFrameLength];
    private byte[] _out = new byte[4 * SamFrameCodec.MaxFrameLength];
    private int _inCount;
    private int _outStart;
    private int _outCount;

    private TaskCompletionSource<int>? _pendingRead;
    private Memory<byte> _pendingBuffer;
    private CancellationTokenRegistration _pendingRegistration;

    private EmulatedIdCard? _card;
    private long _cardGeneration;
    private SamModuleFault _fault;
    private DateTimeOffset _busyUntil;
    private DateTimeOffset _lineFreeAt;
    private ITimer? _lineTimer;
    private long _requests;
    private long _injectedFaults;
    private bool _disposed;

    /// <summary>Creates a module with no card on it.</summary>
    /// <param name="timeProvider">The clock that paces processing and transmission.</param>
    /// <param name="baudRate">Line speed, for the time a reply takes on the line (10 bits a byte, 8N1).</param>
    /// <param name="timing">Processing times; the defaults when null.</param>
    public SamModuleEmulator(TimeProvider timeProvider, int baudRate = IdCardReader.DefaultBaudRate, SamModuleTiming? timing = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(baudRate, 1200);
        _time = timeProvider;
        BaudRate = baudRate;
        Timing = timing ?? new SamModuleTiming();
        _busyUntil = timeProvider.GetUtcNow();
    }

    /// <summary>Line speed.</summary>
    public int BaudRate { get; }

    /// <summary>Processing times.</summary>
    public SamModuleTiming Timing { get; }

    /// <summary>What <c>12 FF</c> answers (16 bytes).</summary>
    public byte[] ModuleId { get; } = [0x05, 0x01, 0x20, 0x26, 0x11, 0x25, 0x00, 0x01, 0x4B, 0x49, 0x4F, 0x53, 0x4B, 0x2D, 0x45, 0x4D];

    /// <summary>The card on the reader, or null.</summary>
    public EmulatedIdCard? Card
    {
        get { lock (_gate) { return _card; } }
    }

    /// <summary>The fault applied to every request it concerns until set back to <see cref="SamModuleFault.None"/>.</summary>
    public SamModuleFault Fault
    {
        get { lock (_gate) { return _fault; } }
        set { lock (_gate) { _fault = value; } }
    }

    /// <summary>Request frames received (well-formed or not).</summary>
    public long Requests
    {
        get { lock (_gate) { return _requests; } }
    }

    /// <summary>Faults applied so far (persistent and one-shot).</summary>
    public long InjectedFaults
    {
        get { lock (_gate) { return _injectedFaults; } }
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException("a serial line has no length");

    public override long Position
    {
        get => throw new NotSupportedException("a serial line has no position");
        set => throw new NotSupportedException("a serial line has no position");
    }

    /// <summary>Puts <paramref name="card"/> on the reader (replacing any card there).</summary>
    public void PlaceCard(EmulatedIdCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        lock (_gate)
        {
            _card = card;
            _cardGeneration++;
        }
    }

    /// <summary>Takes the card off the reader.</summary>
    public void RemoveCard()
    {
        lock (_gate)
        {
            if (_card is not null)
            {
                _card = null;
                _cardGeneration++;
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="fault"/> to the next request it concerns (of <paramref name="command"/> when given):
    /// <see cref="SamModuleFault.CardRemovedMidRead"/> and <see cref="SamModuleFault.UnreadableCard"/> concern reads,
    /// the others any request. Several one-shot faults apply in the order injected.
    /// </summary>
    public void InjectOnce(SamModuleFault fault, SamCommand? command = null)
    {
        if (fault == SamModuleFault.None)
        {
            return;
        }

        lock (_gate)
        {
            _oneShot.Add((fault, command));
        }
    }

    /// <summary>Request frames of <paramref name="command"/> received.</summary>
    public long RequestsOf(SamCommand command)
    {
        lock (_gate)
        {
            return _requestsByCommand.GetValueOrDefault(command);
        }
    }

    /// <summary>Drops the bytes that reached the host's side but were not read yet (what a UART's input flush does).</summary>
    public void DiscardInput()
    {
        lock (_gate)
        {
            _out.AsSpan(_outStart, _outCount).Clear();
            _outStart = 0;
            _outCount = 0;
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return ValueTask.FromResult(0);
        }

        TaskCompletionSource<int> pending;
        lock (_gate)
        {
            if (_outCount > 0)
            {
                return ValueTask.FromResult(TakeOutput(buffer.Span));
            }

            if (_disposed)
            {
                return ValueTask.FromResult(0);
            }

            if (_pendingRead is not null)
            {
                throw new InvalidOperationException("one read at a time");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<int>(cancellationToken);
            }

            pending = new TaskCompletionSource<int>();
            _pendingRead = pending;
            _pendingBuffer = buffer;
        }

        var registration = cancellationToken.UnsafeRegister(static (s, token) => ((SamModuleEmulator)s!).CancelRead(token), this);
        lock (_gate)
        {
            if (ReferenceEquals(_pendingRead, pending))
            {
                _pendingRegistration = registration;
                registration = default;
            }
        }

        registration.Unregister();
        return new ValueTask<int>(pending.Task);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Blocks until bytes arrive: only for a clock that moves on its own (use <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>).</summary>
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inCount + buffer.Length > _in.Length)
            {
                // The module's receive buffer overflows: it drops what it had.
                _inCount = 0;
                buffer = buffer[Math.Max(0, buffer.Length - _in.Length)..];
            }

            buffer.CopyTo(_in.AsSpan(_inCount));
            _inCount += buffer.Length;
            ReceiveRequests();
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a serial line cannot seek");

    public override void SetLength(long value) => throw new NotSupportedException("a serial line has no length");

    protected override void Dispose(bool disposing)
    {
        TaskCompletionSource<int>? pending;
        CancellationTokenRegistration registration;
        ITimer[] timers;
        lock (_gate)
        {
            _disposed = true;
            timers = [.. _timers, .. _lineTimer is null ? [] : new[] { _lineTimer }];
            _timers.Clear();
            _line.Clear();
            pending = _pendingRead;
            registration = _pendingRegistration;
            _pendingRead = null;
            _pendingRegistration = default;
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }

        registration.Unregister();
        pending?.TrySetResult(0);
        base.Dispose(disposing);
    }

    /// <summary>Takes whole request frames out of the input; under the lock.</summary>
    private void ReceiveRequests()
    {
        while (true)
        {
            var start = SamFrameCodec.IndexOfPreamble(_in.AsSpan(0, _inCount));
            if (start < 0)
            {
                DropInput(_inCount - SamFrameCodec.PartialPreambleSuffix(_in.AsSpan(0, _inCount)));
                return;
            }

            DropInput(start);
            var header = SamFrameCodec.ReadHeader(_in.AsSpan(0, _inCount), SamFrameCodec.MinRequestLength, out var frameLength);
            if (header == SamTransferError.BadLength)
            {
                _requests++;
                Answer(SamTransferError.BadLength);
                DropInput(SamFrameCodec.PreambleLength);
                continue;
            }

            if (header != SamTransferError.None || _inCount < frameLength)
            {
                return;
            }

            _requests++;
            var error = SamFrameCodec.DecodeRequest(_in.AsSpan(0, frameLength), out var request);
            if (error == SamTransferError.None)
            {
                Handle(request.Command);
            }
            else
            {
                Answer(error);
            }

            DropInput(frameLength);
        }
    }

    private void DropInput(int count)
    {
        if (count <= 0)
        {
            return;
        }

        _in.AsSpan(count, _inCount - count).CopyTo(_in);
        _inCount -= count;
    }

    /// <summary>A request that was not well-formed: <c>10</c> for a checksum, <c>11</c> for a length.</summary>
    private void Answer(SamTransferError error)
    {
        var status = error == SamTransferError.BadChecksum ? SamStatus.RequestChecksumError : SamStatus.RequestLengthError;
        var completeAt = Begin(Timing.Other);
        Schedule(completeAt, () => Transmit(SamFrameCodec.EncodeResponse(status)));
    }

    /// <summary>A well-formed request; under the lock.</summary>
    private void Handle(SamCommand command)
    {
        _requestsByCommand[command] = _requestsByCommand.GetValueOrDefault(command) + 1;
        var fault = TakeFault(command);
        if (fault == SamModuleFault.Silence)
        {
            return;
        }

        var processing = command switch
        {
            SamCommand.FindCard => Timing.FindCard,
            SamCommand.SelectCard => Timing.SelectCard,
            SamCommand.ReadTextAndPhoto => Timing.ReadTextAndPhoto,
            _ => Timing.Other,
        };
        var startedAt = _busyUntil > _time.GetUtcNow() ? _busyUntil : _time.GetUtcNow();
        var completeAt = Begin(processing);
        var generation = _cardGeneration;
        if (fault == SamModuleFault.CardRemovedMidRead)
        {
            Schedule(startedAt + processing / 2, RemoveCard);
        }

        Schedule(completeAt, () =>
        {
            byte[] frame;
            lock (_gate)
            {
                frame = Respond(command, fault, generation);
            }

            Transmit(frame);
        });
    }

    /// <summary>The response to <paramref name="command"/> as the card stands now; under the lock.</summary>
    private byte[] Respond(SamCommand command, SamModuleFault fault, long generationAtRequest)
    {
        var frame = fault switch
        {
            SamModuleFault.SelfTestFailed => SamFrameCodec.EncodeResponse(SamStatus.SelfTestFailed),
            SamModuleFault.NotAuthorised => SamFrameCodec.EncodeResponse(SamStatus.NotAuthorised),
            _ => command switch
            {
                SamCommand.FindCard => _card is null
                    ? SamFrameCodec.EncodeResponse(SamStatus.NoCard)
                    : SamFrameCodec.EncodeResponse(SamStatus.CardFound, new byte[4]),
                SamCommand.SelectCard => _card is null
                    ? SamFrameCodec.EncodeResponse(SamStatus.SelectFailed, default, CardStatusWords[0], CardStatusWords[1])
                    : SamFrameCodec.EncodeResponse(SamStatus.Success, new byte[8]),
                SamCommand.ReadTextAndPhoto => _card is null || generationAtRequest != _cardGeneration || fault is SamModuleFault.UnreadableCard or SamModuleFault.CardRemovedMidRead
                    ? SamFrameCodec.EncodeResponse(SamStatus.ReadFailed, default, CardStatusWords[0], CardStatusWords[1])
                    : SamFrameCodec.EncodeResponse(SamStatus.Success, _card.EncodeReadReplyData()),
                SamCommand.ReadModuleId => SamFrameCodec.EncodeResponse(SamStatus.Success, ModuleId),
                _ => SamFrameCodec.EncodeResponse(SamStatus.UnknownCommand),
            },
        };

        switch (fault)
        {
            case SamModuleFault.CorruptChecksum:
                frame[^1] ^= 0x01;
                break;
            case SamModuleFault.TruncatedFrame:
                frame = frame[..Math.Min(300, frame.Length / 2)];
                break;
        }

        return frame;
    }

    /// <summary>The fault for this request: the first matching one-shot, else the persistent one if it concerns the command; under the lock.</summary>
    private SamModuleFault TakeFault(SamCommand command)
    {
        for (var i = 0; i < _oneShot.Count; i++)
        {
            var (fault, only) = _oneShot[i];
            if (Concerns(fault, command) && (only is null || only == command))
            {
                _oneShot.RemoveAt(i);
                _injectedFaults++;
                return fault;
            }
        }

        if (Concerns(_fault, command))
        {
            _injectedFaults++;
            return _fault;
        }

        return SamModuleFault.None;
    }

    private static bool Concerns(SamModuleFault fault, SamCommand command) => fault switch
    {
        SamModuleFault.None => false,
        SamModuleFault.CardRemovedMidRead or SamModuleFault.UnreadableCard => command == SamCommand.ReadTextAndPhoto,
        _ => true,
    };

    /// <summary>Requests are processed one after another: this one completes <paramref name="processing"/> after the module is free; under the lock.</summary>
    private DateTimeOffset Begin(TimeSpan processing)
    {
        var now = _time.GetUtcNow();
        var start = _busyUntil > now ? _busyUntil : now;
        _busyUntil = start + processing;
        return _busyUntil;
    }

    /// <summary>
    /// Puts <paramref name="frame"/> on the line after what is already on it: chunks of 128 bytes, each arriving when
    /// its last bit has. One timer delivers them in order (timers of a real clock may fire concurrently; a reordered
    /// chunk keeps the XOR checksum and would be undetectable).
    /// </summary>
    private void Transmit(byte[] frame)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var bitTime = TimeSpan.FromTicks(TimeSpan.TicksPerSecond * 10 / BaudRate);
            var start = _lineFreeAt > now ? _lineFreeAt : now;
            for (var sent = 0; sent < frame.Length; sent += ChunkBytes)
            {
                var chunk = frame[sent..Math.Min(frame.Length, sent + ChunkBytes)];
                _line.Enqueue((start + bitTime * (sent + chunk.Length), chunk));
            }

            // The module is busy while it talks.
            _lineFreeAt = start + bitTime * frame.Length;
            if (_lineFreeAt > _busyUntil)
            {
                _busyUntil = _lineFreeAt;
            }

            ArmLine(now);
        }
    }

    /// <summary>Sets the line timer to the next chunk's arrival; under the lock.</summary>
    private void ArmLine(DateTimeOffset now)
    {
        if (!_line.TryPeek(out var head))
        {
            return;
        }

        _lineTimer ??= _time.CreateTimer(static s => ((SamModuleEmulator)s!).OnLine(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var due = head.Due - now;
        _lineTimer.Change(due < TimeSpan.FromTicks(1) ? TimeSpan.FromTicks(1) : due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The chunks due reach the host's side of the line, in order; a pending read completes (outside the lock).</summary>
    private void OnLine()
    {
        TaskCompletionSource<int>? pending = null;
        CancellationTokenRegistration registration = default;
        var count = 0;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            while (_line.TryPeek(out var head) && head.Due <= now)
            {
                _line.Dequeue();
                Append(head.Chunk);
            }

            if (_pendingRead is not null && _outCount > 0)
            {
                pending = _pendingRead;
                registration = _pendingRegistration;
                count = TakeOutput(_pendingBuffer.Span);
                _pendingRead = null;
                _pendingBuffer = default;
                _pendingRegistration = default;
            }

            ArmLine(now);
        }

        registration.Unregister();
        pending?.TrySetResult(count);
    }

    /// <summary>Queues <paramref name="chunk"/> for the host; under the lock.</summary>
    private void Append(byte[] chunk)
    {
        if (_outStart + _outCount + chunk.Length > _out.Length)
        {
            var grown = new byte[Math.Max(_out.Length, 2 * (_outCount + chunk.Length))];
            _out.AsSpan(_outStart, _outCount).CopyTo(grown);
            _out.AsSpan().Clear();
            _out = grown;
            _outStart = 0;
        }

        chunk.CopyTo(_out, _outStart + _outCount);
        _outCount += chunk.Length;
    }

    /// <summary>Copies queued output into <paramref name="destination"/>; under the lock.</summary>
    private int TakeOutput(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _outCount);
        var source = _out.AsSpan(_outStart, count);
        source.CopyTo(destination);
        source.Clear();
        _outStart += count;
        _outCount -= count;
        if (_outCount == 0)
        {
            _outStart = 0;
        }

        return count;
    }

    private void CancelRead(CancellationToken token)
    {
        TaskCompletionSource<int>? pending;
        lock (_gate)
        {
            pending = _pendingRead;
            _pendingRead = null;
            _pendingBuffer = default;
            _pendingRegistration = default;
        }

        pending?.TrySetCanceled(token);
    }

    /// <summary>Runs <paramref name="action"/> at <paramref name="at"/> on the clock; under the lock or not.</summary>
    private void Schedule(DateTimeOffset at, Action action)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // At least one tick: a timer due now may fire inside Change, under the lock.
            var due = at - _time.GetUtcNow();
            if (due < TimeSpan.FromTicks(1))
            {
                due = TimeSpan.FromTicks(1);
            }

            var state = new ScheduledAction(this, action);
            var timer = _time.CreateTimer(static s => ((ScheduledAction)s!).Run(), state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            state.Timer = timer;
            _timers.Add(timer);
            timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class ScheduledAction(SamModuleEmulator owner, Action action)
    {
        public ITimer? Timer { get; set; }

        public void Run()
        {
            lock (owner._gate)
            {
                if (Timer is null || !owner._timers.Remove(Timer))
                {
                    return;
                }
            }

            Timer.Dispose();
            action();
        }
    }
}
