using Microsoft.Extensions.Logging;

namespace Kiosk.Devices.Temperature;

/// <summary>Log messages of the thermometer (no visitor data other than the temperature itself, at Debug).</summary>
internal static partial class ThermometerLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "Thermometer read failed: {Status}")]
    public static partial void ReadFailed(ILogger logger, string status);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Thermometer fault: {Detail}")]
    public static partial void FaultRaised(ILogger logger, string detail);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Thermometer recovered after {FailedReads} failed reads")]
    public static partial void FaultCleared(ILogger logger, int failedReads);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Reading: skin {SkinC:0.00} °C, ambient {AmbientC:0.00} °C, core-equivalent {CoreC:0.00} °C from {Kept}/{Count} samples")]
    public static partial void Reading(ILogger logger, double skinC, double ambientC, double coreC, int kept, int count);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "No forehead within {Timeout}")]
    public static partial void NoForehead(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Object above the skin window ({ObjectC:0.0} °C) until the timeout: treated as a fault")]
    public static partial void TooHot(ILogger logger, double objectC);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Debug, Message = "Samples disagree: {Kept} of {Count} within the outlier band; sampling on")]
    public static partial void TooNoisy(ILogger logger, int kept, int count);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Cannot open the MLX90614 on bus {BusId} at 0x{Address:X2}: {Message}")]
    public static partial void OpenFailed(ILogger logger, int busId, int address, string message);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Error, Message = "Invalid Thermometer settings ignored, keeping the previous ones: {Failures}")]
    public static partial void InvalidOptions(ILogger logger, string failures);
}
