using Microsoft.Extensions.Logging;

namespace Kiosk.Colors;

/// <summary>Source-generated log messages of the color feed. None carries an id or a color.</summary>
internal static partial class ColorFeedLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Color feed: {Outcome}: {Detail}")]
    public static partial void Processed(ILogger logger, FeedOutcomeKind outcome, string detail);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Color feed message rejected: {Detail}")]
    public static partial void Rejected(ILogger logger, string detail);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Color store could not apply a message: {Detail}")]
    public static partial void StoreFailed(ILogger logger, string detail, Exception exception);
}
