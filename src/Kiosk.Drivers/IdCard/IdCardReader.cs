using System.IO.Ports;

namespace Kiosk.Drivers.IdCard;

/// <summary>
/// A resident ID card reader: a SAM module (GA 467) on a serial line. One <see cref="PollAsync"/> is find → select →
/// read; a found card whose read fails is retried until <see cref="IdCardReaderSettings.ReadTimeout"/>.
/// </summary>
/// <remarks>
/// <para>Every wait is on the injected <see cref="TimeProvider"/>: the response timeout is a
/// <see cref="CancellationTokenSource"/> on that clock around a plain <c>await</c> of the stream, so the driver runs in
/// a simulation's virtual time as it does on the device.</para>
/// <para>Transfer errors (a bad preamble, length or checksum, a frame cut short, silence) are results, never data and
/// never exceptions. After one the driver drops what it has received, asks the port to discard its input, and
/// resynchronises on the next preamble.</para>
/// <para>The reply to <c>30 01</c> holds the whole text and the photo: only the kept fields are decoded
/// (<see cref="IdCardText"/>), and the receive buffer is zeroed as soon as they are.</para>
/// <para>Not thread-safe: one poll at a time.</para>
/// </remarks>
public sealed class IdCardReader : IDisposable
{
    /// <summary>The module's default line speed (8N1).</summary>
    public const int DefaultBaudRate = 115200;

    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly IdCardReaderSettings _settings;
    private readonly Action? _discardInput;
    private readonly IDisposable? _owned;
    private readonly byte[] _rx = new byte[SamFrameCodec.MaxFrameLength];
    private readonly byte[] _tx = new byte[SamFrameCodec.RequestFrameLength(0)];
    private int _rxCount;

    // After a transfer error a late reply may still arrive: the port's input is discarded again before the next request.
    private bool _discardBeforeNextRequest;

    // The card on the reader: when it was first found, and a hash of its number (to tell a swapped card; the number itself is not kept).
    private DateTimeOffset? _foundAt;
    private int? _lastNumberHash;

    private long _exchanges;
    private long _noResponses;
    private long _badPreambles;
    private long _badLengths;
    private long _badChecksums;
    private long _truncated;
    private long _badReadReplies;
    private long _discardedBytes;
    private long _retries;
    private long _cardsRead;
    private long _cardsUnreadable;
    private long _moduleFaults;

    /// <summary>Creates a driver on an open duplex stream (a serial port's <see cref="SerialPort.BaseStream"/>, or <see cref="SamModuleEmulator"/>).</summary>
    /// <param name="stream">Requests are written to it, responses read from it. Its reads must honour cancellation.</param>
    /// <param name="timeProvider">The clock of every timeout and pause; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="settings">Timeouts; the defaults when null.</param>
    /// <param name="discardInput">Clears the port's receive buffer after a transfer error (<see cref="SerialPort.DiscardInBuffer"/>).</param>
    /// <param name="shouldDispose">Dispose <paramref name="stream"/> with this driver.</param>
    public IdCardReader(Stream stream, TimeProvider? timeProvider = null, IdCardReaderSettings? settings = null, Action? discardInput = null, bool shouldDispose = true)
        : this(stream, timeProvider, settings, discardInput, shouldDispose ? stream : null)
    {
    }

    private IdCardReader(Stream stream, TimeProvider? timeProvider, IdCardReaderSettings? settings, Action? discardInput, IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _time = timeProvider ?? TimeProvider.System;
        _settings = settings ?? new IdCardReaderSettings();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_settings.ResponseTimeout, TimeSpan.Zero, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_settings.ReadTimeout, TimeSpan.Zero, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.RetryDelay, TimeSpan.Zero, nameof(settings));
        _discardInput = discardInput;
        _owned = owned;
    }

    /// <summary>The settings in force.</summary>
    public IdCardReaderSettings Settings => _settings;

    /// <summary>Counters since creation.</summary>
    public IdCardReaderStatistics Statistics => new(
        Interlocked.Read(ref _exchanges),
        Interlocked.Read(ref _noResponses),
        Interlocked.Read(ref _badPreambles),
        Interlocked.Read(ref _badLengths),
        Interlocked.Read(ref _badChecksums),
        Interlocked.Read(ref _truncated),
        Interlocked.Read(ref _badReadReplies),
        Interlocked.Read(ref _discardedBytes),
        Interlocked.Read(ref _retries),
        Interlocked.Read(ref _cardsRead),
        Interlocked.Read(ref _cardsUnreadable),
        Interlocked.Read(ref _moduleFaults));

    /// <summary>The receive buffer, for tests that check no card bytes linger in it.</summary>
    internal ReadOnlySpan<byte> ReceiveBuffer => _rx;

    /// <summary>
    /// Opens <paramref name="portName"/> (<c>/dev/serial0</c>, <c>/dev/ttyUSB0</c>) at <paramref name="baudRate"/> 8N1, no
    /// handshake, and creates a driver that owns the port.
    /// </summary>
    /// <exception cref="IOException">The device does not exist or cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission (the user is not in <c>dialout</c>) or the port is in use.</exception>
    public static IdCardReader OpenSerial(string portName, int baudRate = DefaultBaudRate, TimeProvider? timeProvider = null, IdCardReaderSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(portName);
        var port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadBufferSize = 4 * SamFrameCodec.MaxFrameLength,
        };
        try
        {
            port.Open();
            port.DiscardInBuffer();
            return new IdCardReader(port.BaseStream, timeProvider, settings, port.DiscardInBuffer, port);
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One look at the reader: find a card; when one is found, select and read it, repeating find → select → read
    /// after a failure (<c>41</c>, an authentication failure, a transfer error) until the read timeout after the first
    /// <c>9F</c> of this poll. Never throws for what the module or the line does; throws only on cancellation.
    /// </summary>
    public async Task<IdCardPollResult> PollAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? windowStart = null;
        while (true)
        {
            var attempt = await AttemptAsync(cancellationToken);
            var now = _time.GetUtcNow();
            switch (attempt.Kind)
            {
                case AttemptKind.NoCard:
                    Forget();
                    return new IdCardPollResult(IdCardPollOutcome.NoCard, now, null, null, attempt.Status, SamTransferError.None, attempt.Detail);

                case AttemptKind.Fault:
                    Interlocked.Increment(ref _moduleFaults);
                    Forget();
                    return new IdCardPollResult(IdCardPollOutcome.ModuleFault, now, null, null, attempt.Status, attempt.Error, attempt.Detail);

                case AttemptKind.PortError:
                    Forget();
                    return new IdCardPollResult(IdCardPollOutcome.PortError, now, null, null, null, SamTransferError.None, attempt.Detail);

                case AttemptKind.FailedBeforeFound when windowStart is null && _foundAt is null:
                    // Nothing was on the reader at the last look: the look itself failed.
                    return new IdCardPollResult(IdCardPollOutcome.TransferError, now, null, null, attempt.Status, attempt.Error, attempt.Detail);
            }

            // From here a card is being read: found (9F) in this poll, or on the reader at the last look. The read window
            // starts at the first 9F of this poll (for a newly placed card: when it was found).
            windowStart ??= attempt.FoundAt ?? now;
            var deadline = windowStart.Value + _settings.ReadTimeout;
            if (attempt.Kind == AttemptKind.Read && now <= deadline)
            {
                var numberHash = attempt.Card!.Number.GetHashCode(StringComparison.Ordinal);
                if (_lastNumberHash is { } previous && previous != numberHash)
                {
                    // Another card was put down without the reader seeing it gone: it was found in this poll.
                    _foundAt = windowStart;
                }

                _lastNumberHash = numberHash;
                Interlocked.Increment(ref _cardsRead);
                return new IdCardPollResult(IdCardPollOutcome.CardRead, now, _foundAt, attempt.Card, SamStatus.Success, SamTransferError.None, null);
            }

            if (now >= deadline)
            {
                Interlocked.Increment(ref _cardsUnreadable);
                var detail = attempt.Kind == AttemptKind.Read
                    ? $"the card was read {(now - windowStart.Value).TotalSeconds:0.0} s after it was found, past the read timeout"
                    : $"no whole read within {_settings.ReadTimeout.TotalSeconds:0.#} s; last: {attempt.Detail}";
                return new IdCardPollResult(IdCardPollOutcome.CardUnreadable, now, _foundAt ?? windowStart, null, attempt.Status, attempt.Error, detail);
            }

            Interlocked.Increment(ref _retries);
            if (_settings.RetryDelay > TimeSpan.Zero)
            {
                await Task.Delay(_settings.RetryDelay, _time, cancellationToken);
            }
        }
    }

    /// <summary>Reads the module's id (<c>12 FF</c>), a health check.</summary>
    /// <returns>The id bytes; or null with the status or transfer error that prevented it.</returns>
    public async Task<(byte[]? Id, SamStatus? Status, SamTransferError Error)> ReadModuleIdAsync(CancellationToken cancellationToken)
    {
        var exchange = await TransceiveAsync(SamCommand.ReadModuleId, cancellationToken);
        if (exchange.PortFailure is not null || exchange.Error != SamTransferError.None)
        {
            return (null, null, exchange.Error);
        }

        if (exchange.Status != SamStatus.Success)
        {
            return (null, exchange.Status, SamTransferError.None);
        }

        var id = _rx.AsSpan(exchange.DataOffset, exchange.DataLength).ToArray();
        ClearInput();
        return (id, exchange.Status, SamTransferError.None);
    }

    public void Dispose()
    {
        ClearInput();
        _owned?.Dispose();
    }

    private void Forget()
    {
        _foundAt = null;
        _lastNumberHash = null;
    }

    /// <summary>Find → select → read, once.</summary>
    private async Task<Attempt> AttemptAsync(CancellationToken cancellationToken)
    {
        var find = await TransceiveAsync(SamCommand.FindCard, cancellationToken);
        if (find.Error == SamTransferError.None && find.PortFailure is null && find.Status == SamStatus.NoCard)
        {
            return new Attempt(AttemptKind.NoCard, null, null, find.Status, SamTransferError.None, null);
        }

        if (Judge(find, SamStatus.CardFound) is { } findFailed)
        {
            return findFailed.Kind == AttemptKind.Failed ? findFailed with { Kind = AttemptKind.FailedBeforeFound } : findFailed;
        }

        var foundAt = _time.GetUtcNow();
        _foundAt ??= foundAt;
        var select = await TransceiveAsync(SamCommand.SelectCard, cancellationToken);
        if (Judge(select, SamStatus.Success) is { } selectFailed)
        {
            return selectFailed with { FoundAt = foundAt };
        }

        var read = await TransceiveAsync(SamCommand.ReadTextAndPhoto, cancellationToken);
        if (Judge(read, SamStatus.Success) is { } readFailed)
        {
            return readFailed with { FoundAt = foundAt };
        }

        var parsed = IdCardText.TryParse(_rx.AsSpan(read.DataOffset, read.DataLength), out var card);
        ClearInput();
        if (!parsed)
        {
            Interlocked.Increment(ref _badReadReplies);
            return new Attempt(AttemptKind.Failed, foundAt, null, read.Status, SamTransferError.BadReadReply, "read (30 01): the text and photo lengths disagree with the data");
        }

        return new Attempt(AttemptKind.Read, foundAt, card, SamStatus.Success, SamTransferError.None, null);
    }

    /// <summary>Null when the exchange succeeded with <paramref name="expected"/>; otherwise what the attempt came to.</summary>
    private Attempt? Judge(in Exchange exchange, SamStatus expected)
    {
        var name = exchange.Command switch
        {
            SamCommand.FindCard => "find card (20 01)",
            SamCommand.SelectCard => "select card (20 02)",
            SamCommand.ReadTextAndPhoto => "read (30 01)",
            _ => exchange.Command.ToString(),
        };

        if (exchange.PortFailure is { } failure)
        {
            return new Attempt(AttemptKind.PortError, null, null, null, SamTransferError.None, $"{name}: {failure}");
        }

        if (exchange.Error == SamTransferError.NoResponse)
        {
            return new Attempt(AttemptKind.Fault, null, null, null, exchange.Error, $"{name}: no response within {_settings.ResponseTimeout.TotalSeconds:0.###} s");
        }

        if (exchange.Error != SamTransferError.None)
        {
            return new Attempt(AttemptKind.Failed, null, null, null, exchange.Error, $"{name}: transfer error {exchange.Error}");
        }

        if (exchange.Status == expected)
        {
            return null;
        }

        var kind = exchange.Status is SamStatus.SelfTestFailed or SamStatus.NotAuthorised ? AttemptKind.Fault : AttemptKind.Failed;
        return new Attempt(kind, null, null, exchange.Status, SamTransferError.None, $"{name}: status {(byte)exchange.Status:X2} ({exchange.Status})");
    }

    /// <summary>Sends one request and receives one response frame, within the response timeout.</summary>
    private async Task<Exchange> TransceiveAsync(SamCommand command, CancellationToken cancellationToken)
    {
        ClearInput();
        if (_discardBeforeNextRequest)
        {
            _discardBeforeNextRequest = false;
            DiscardInput();
        }

        Interlocked.Increment(ref _exchanges);
        var length = SamFrameCodec.EncodeRequest(command, default, _tx);
        using var timeout = new CancellationTokenSource(_settings.ResponseTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var received = 0;
        var sawPreamble = false;
        try
        {
            await _stream.WriteAsync(_tx.AsMemory(0, length), linked.Token);
            while (true)
            {
                var start = SamFrameCodec.IndexOfPreamble(_rx.AsSpan(0, _rxCount));
                if (start < 0)
                {
                    Discard(_rxCount - SamFrameCodec.PartialPreambleSuffix(_rx.AsSpan(0, _rxCount)));
                }
                else
                {
                    Discard(start);
                    sawPreamble = true;
                    var header = SamFrameCodec.ReadHeader(_rx.AsSpan(0, _rxCount), SamFrameCodec.MinResponseLength, out var frameLength);
                    if (header == SamTransferError.BadLength)
                    {
                        return Fail(command, header);
                    }

                    if (header == SamTransferError.None && _rxCount >= frameLength)
                    {
                        var error = SamFrameCodec.DecodeResponse(_rx.AsSpan(0, frameLength), out var response);
                        return error != SamTransferError.None
                            ? Fail(command, error)
                            : new Exchange(command, SamTransferError.None, response.Status, SamFrameCodec.HeaderLength + 3, response.Data.Length, null);
                    }
                }

                var n = await _stream.ReadAsync(_rx.AsMemory(_rxCount), linked.Token);
                if (n == 0)
                {
                    return PortFailed(command, "the serial stream ended");
                }

                _rxCount += n;
                received += n;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Fail(command, received == 0 ? SamTransferError.NoResponse : sawPreamble ? SamTransferError.Truncated : SamTransferError.BadPreamble);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return PortFailed(command, ex.Message);
        }
    }

    private Exchange Fail(SamCommand command, SamTransferError error)
    {
        switch (error)
        {
            case SamTransferError.NoResponse: Interlocked.Increment(ref _noResponses); break;
            case SamTransferError.BadPreamble: Interlocked.Increment(ref _badPreambles); break;
            case SamTransferError.BadLength: Interlocked.Increment(ref _badLengths); break;
            case SamTransferError.BadChecksum: Interlocked.Increment(ref _badChecksums); break;
            case SamTransferError.Truncated: Interlocked.Increment(ref _truncated); break;
        }

        DiscardInput();
        _discardBeforeNextRequest = true;
        return new Exchange(command, error, default, 0, 0, null);
    }

    private Exchange PortFailed(SamCommand command, string message)
    {
        ClearInput();
        return new Exchange(command, SamTransferError.None, default, 0, 0, message);
    }

    /// <summary>After a transfer error: forget what was received and empty the port's buffer; the next receive resyncs on a preamble.</summary>
    private void DiscardInput()
    {
        ClearInput();
        try
        {
            _discardInput?.Invoke();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // A closed or vanished port: the next exchange reports it.
        }
    }

    /// <summary>Drops the first <paramref name="count"/> received bytes (resync).</summary>
    private void Discard(int count)
    {
        if (count <= 0)
        {
            return;
        }

        Interlocked.Add(ref _discardedBytes, count);
        _rx.AsSpan(count, _rxCount - count).CopyTo(_rx);
        _rx.AsSpan(_rxCount - count, count).Clear();
        _rxCount -= count;
    }

    /// <summary>Zeroes the receive buffer (it may hold a card's text and photo).</summary>
    private void ClearInput()
    {
        _rx.AsSpan().Clear();
        _rxCount = 0;
    }

    private enum AttemptKind
    {
        NoCard,
        Read,
        Failed,
        FailedBeforeFound,
        Fault,
        PortError,
    }

    private readonly record struct Attempt(AttemptKind Kind, DateTimeOffset? FoundAt, IdCardText? Card, SamStatus? Status, SamTransferError Error, string? Detail);

    private readonly record struct Exchange(SamCommand Command, SamTransferError Error, SamStatus Status, int DataOffset, int DataLength, string? PortFailure);
}
