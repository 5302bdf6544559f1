using System.Buffers;
using System.Text;
using Kiosk.Core;

namespace Kiosk.FleetConsole;

/// <summary>The <c>fleet watch</c> loop: feeds the model from the broker and redraws on change (at most 4 times a second) and every second.</summary>
public static class FleetWatch
{
    /// <summary>Runs until <paramref name="cancellationToken"/> (Ctrl-C); the screen is restored on the way out.</summary>
    public static async Task RunAsync(FleetConsoleSession session, string? site, TextWriter output, Func<(int Width, int Height)> size, TimeProvider time, CancellationToken cancellationToken)
    {
        var model = new FleetWatchModel(session.Settings.Prefix, site);
        void OnMessage(MQTTnet.MqttApplicationMessage message, DateTimeOffset at) => model.OnMessage(message.Topic, message.Payload.ToArray(), message.Retain, at);
        session.MessageReceived += OnMessage;
        try
        {
            var refused = await session.KeepSubscribedAsync(model.Filters, cancellationToken);
            if (refused.Count > 0)
            {
                throw new KioskInputException($"the broker refused the subscription to {refused[0]} (not authorized: check the broker ACL)");
            }

            var source = $"{session.Settings.Prefix}/{site ?? "+"}  broker {session.Settings.Endpoint}";
            using var screen = new TerminalScreen(output);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
            var drawnChanges = -1L;
            var drawnSecond = -1L;
            var drawnConnected = true;
            try
            {
                do
                {
                    var now = time.GetUtcNow();
                    var second = now.ToUnixTimeSeconds();
                    var connected = session.IsConnected;
                    if (model.Changes != drawnChanges || second != drawnSecond || connected != drawnConnected)
                    {
                        drawnChanges = model.Changes;
                        drawnSecond = second;
                        drawnConnected = connected;
                        var (width, height) = size();
                        screen.Draw(FleetWatchScreen.Render(model, source, connected ? null : session.LastError ?? "the broker went away", now, width, height));
                    }
                }
                while (await timer.WaitForNextTickAsync(cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C: a clean exit.
            }
        }
        finally
        {
            session.MessageReceived -= OnMessage;
        }
    }
}
