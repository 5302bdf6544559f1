using System.Runtime.CompilerServices;
using Kiosk.Core.Checkpoint;
using Kiosk.Core.Identity;
using Kiosk.Drivers.IdCard;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kiosk.Devices.Identity;

/// <summary>
/// The kiosk's <see cref="ICardReader"/>: polls the SAM module through <see cref="IdCardReader"/> every
/// <see cref="IdentityOptions.PollInterval"/> and yields one <see cref="CardSighting"/> per poll. A poll that cannot
/// look at the reader (a module fault, silence, a transfer error without a card, a port that cannot be opened) is a
/// <see cref="CardReadKind.ReaderFault"/> sighting; after <see cref="IdentityOptions.FaultAfter"/> of them in a row
/// <c>card_reader_fault</c> is raised, and the first poll that looks again clears it. A port that fails is reopened at
/// the next poll.
/// </summary>
/// <remarks>No card data reaches a log line or an alert: only outcomes and technical detail.</remarks>
internal sealed partial class SamCardSource(
    Func<IdCardReader> open,
    string device,
    IAlerts alerts,
    TimeProvider timeProvider,
    IOptions<IdentityOptions> options,
    ILogger<SamCardSource> logger) : ICardReader, IDisposable
{
    private readonly IdentityOptions _options = options.Value;
    private IdCardReader? _reader;
    private bool _openFailureLogged;

    /// <summary>The serial device (or the simulated module) this source reads.</summary>
    public string Device { get; } = device;

    /// <summary>The driver's counters, while a port is open.</summary>
    public IdCardReaderStatistics? Statistics => _reader?.Statistics;

    /// <summary>The driver's settings from <see cref="IdentityOptions"/>.</summary>
    public static IdCardReaderSettings ReaderSettings(IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new IdCardReaderSettings { ResponseTimeout = options.ResponseTimeout, ReadTimeout = options.ReadTimeout };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CardSighting> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var failedPolls = 0;
        var faulted = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var (sighting, failure) = await LookAsync(cancellationToken);
            if (failure is null)
            {
                if (faulted)
                {
                    faulted = false;
                    alerts.Clear(AlertKinds.CardReaderFault);
                    LogRecovered(logger, Device, failedPolls);
                }

                failedPolls = 0;
            }
            else
            {
                failedPolls++;
                LogPollFailed(logger, Device, failure);
                if (!faulted && failedPolls >= _options.FaultAfter)
                {
                    faulted = true;
                    alerts.Raise(AlertKinds.CardReaderFault, $"{Device}: {failure}");
                    LogFault(logger, Device, failedPolls, failure);
                }
            }

            yield return sighting;
            await Task.Delay(_options.PollInterval, timeProvider, cancellationToken);
        }
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _reader = null;
    }

    /// <summary>One poll; the failure text when it could not look at the reader.</summary>
    private async Task<(CardSighting Sighting, string? Failure)> LookAsync(CancellationToken cancellationToken)
    {
        if (_reader is null)
        {
            try
            {
                _reader = open();
                _openFailureLogged = false;
                LogOpened(logger, Device);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or PlatformNotSupportedException)
            {
                if (!_openFailureLogged)
                {
                    _openFailureLogged = true;
                    LogOpenFailed(logger, Device, ex.Message);
                }

                var now = timeProvider.GetUtcNow();
                return (new CardSighting(now, CardReadKind.ReaderFault, null, now), $"cannot open the reader: {ex.Message}");
            }
        }

        var result = await _reader.PollAsync(cancellationToken);
        if (result.Outcome == IdCardPollOutcome.PortError)
        {
            _reader.Dispose();
            _reader = null;
        }

        return result.Outcome switch
        {
            IdCardPollOutcome.NoCard => (new CardSighting(result.At, CardReadKind.NoCard, null, result.At), null),
            IdCardPollOutcome.CardRead => (new CardSighting(result.At, CardReadKind.Read, ToCard(result.Card!), result.FoundAt ?? result.At), null),
            IdCardPollOutcome.CardUnreadable => Unreadable(result),
            _ => (new CardSighting(result.At, CardReadKind.ReaderFault, null, result.At), result.Detail ?? result.Outcome.ToString()),
        };
    }

    private (CardSighting, string?) Unreadable(in IdCardPollResult result)
    {
        LogUnreadable(logger, Device, result.Detail ?? "");
        return (new CardSighting(result.At, CardReadKind.Unreadable, null, result.FoundAt ?? result.At), null);
    }

    private static IdentityCard ToCard(IdCardText text) =>
        new(text.Number, text.Name, text.Birth, text.ValidFrom, text.ValidTo, text.LayoutFlag);

    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "ID card reader {Device} opened")]
    private static partial void LogOpened(ILogger logger, string device);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Error, Message = "ID card reader: cannot open {Device}: {Reason}")]
    private static partial void LogOpenFailed(ILogger logger, string device, string reason);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Debug, Message = "ID card reader {Device}: poll failed: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string device, string reason);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "ID card reader {Device} fault after {FailedPolls} failed polls: {Reason}")]
    private static partial void LogFault(ILogger logger, string device, int failedPolls, string reason);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Information, Message = "ID card reader {Device} recovered after {FailedPolls} failed polls")]
    private static partial void LogRecovered(ILogger logger, string device, int failedPolls);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Debug, Message = "ID card reader {Device}: a card was found but not read ({Reason})")]
    private static partial void LogUnreadable(ILogger logger, string device, string reason);
}
