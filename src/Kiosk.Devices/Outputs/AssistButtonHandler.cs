using Kiosk.Core.Checkpoint;
using Kiosk.Drivers.Gpio;
using Microsoft.Extensions.Logging;

namespace Kiosk.Devices.Outputs;

/// <summary>Turns each settled press of the assist button into an <c>assist_requested</c> alert (checkpoint-policy.md, "People without a code").</summary>
public sealed partial class AssistButtonHandler : IDisposable
{
    private readonly AssistButton _button;
    private readonly IAlerts _alerts;
    private readonly ILogger<AssistButtonHandler> _logger;

    /// <param name="button">The button (the handler does not dispose it).</param>
    /// <param name="alerts">Where the alert goes.</param>
    /// <param name="logger">Logger.</param>
    public AssistButtonHandler(AssistButton button, IAlerts alerts, ILogger<AssistButtonHandler> logger)
    {
        _button = button;
        _alerts = alerts;
        _logger = logger;
        _button.Pressed += OnPressed;
    }

    private void OnPressed(object? sender, EventArgs e)
    {
        LogPressed(_logger, _button.Pin);
        _alerts.Notify(AlertKinds.AssistRequested, "assist button pressed");
    }

    /// <inheritdoc/>
    public void Dispose() => _button.Pressed -= OnPressed;

    [LoggerMessage(EventId = 4211, Level = LogLevel.Information, Message = "Assist button on pin {Pin} pressed")]
    private static partial void LogPressed(ILogger logger, int pin);
}
