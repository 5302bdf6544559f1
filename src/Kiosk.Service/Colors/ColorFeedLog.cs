using Microsoft.Extensions.Logging;

namespace Kiosk.Service.Colors;

/// <summary>Source-generated log messages of the color feed. None carries an id or a color.</summary>
internal static partial class ColorFeedLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Color feed: {Outcome}: {Detail}")]
    public static partial void Processed(ILogger logger, FeedOutcomeKind outcome, string detail);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Color feed message rejected: {Detail}")]
    public static partial void Rejected(ILogger logger, string detail);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Color store could not apply a message: {Detail}")]
    public static partial void StoreFailed(ILogger logger, string detail, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Color feed broker {Host}:{Port} connected; subscribed to {Count} topics")]
    public static partial void Connected(ILogger logger, string host, int port, int count);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Color feed message on {Topic} could not be acknowledged: {Reason}")]
    public static partial void AckFailed(ILogger logger, string topic, string reason);
}
