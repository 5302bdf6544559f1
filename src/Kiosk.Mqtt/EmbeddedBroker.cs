using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;
using Microsoft.Extensions.Logging;

namespace Kiosk.Mqtt;

/// <summary>
/// An in-process MQTTnet broker on loopback for <c>demo</c> and <c>run --simulate</c> when no broker is configured,
/// so a newcomer can watch the topics with <c>mosquitto_sub -h 127.0.0.1 -p PORT -t 'kiosk/#' -v</c>. Binds the
/// preferred port (default 1883) or, when that is taken, a free one (<see cref="Port"/>).
/// </summary>
public sealed partial class EmbeddedBroker : IAsyncDisposable
{
    private readonly int _preferredPort;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MqttServer? _server;

    /// <summary>Creates the broker (not started).</summary>
    /// <param name="preferredPort">Port to try first (0 = any free port).</param>
    /// <param name="logger">Logger.</param>
    public EmbeddedBroker(int preferredPort, ILogger<EmbeddedBroker> logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(preferredPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(preferredPort, 65535);
        _preferredPort = preferredPort;
        _logger = logger;
    }

    /// <summary>The bound port; 0 before <see cref="StartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>True while running.</summary>
    public bool IsRunning => _server?.IsStarted == true;

    /// <summary>Starts the broker (idempotent) and returns the bound port.</summary>
    public async Task<int> StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_server is { IsStarted: true })
            {
                return Port;
            }

            var port = _preferredPort != 0 ? _preferredPort : FreePort();
            try
            {
                _server = await StartOnAsync(port);
            }
            catch (Exception ex) when (ex is SocketException || ex.InnerException is SocketException)
            {
                var fallback = FreePort();
                LogPortTaken(_logger, port, fallback);
                port = fallback;
                _server = await StartOnAsync(port);
            }

            Port = port;
            LogStarted(_logger, port);
            return port;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the broker.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_server is { } server)
            {
                await server.StopAsync(new MqttServerStopOptionsBuilder().Build());
                server.Dispose();
                _server = null;
                LogStopped(_logger, Port);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _gate.Dispose();
    }

    private static async Task<MqttServer> StartOnAsync(int port)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        try
        {
            await server.StartAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(EventId = 790, Level = LogLevel.Information, Message = "Embedded MQTT broker on 127.0.0.1:{Port} (watch: mosquitto_sub -h 127.0.0.1 -p {Port} -t 'kiosk/#' -v)")]
    private static partial void LogStarted(ILogger logger, int port);

    [LoggerMessage(EventId = 791, Level = LogLevel.Warning, Message = "Embedded MQTT broker: port {Port} is taken, using {Fallback}")]
    private static partial void LogPortTaken(ILogger logger, int port, int fallback);

    [LoggerMessage(EventId = 792, Level = LogLevel.Information, Message = "Embedded MQTT broker on port {Port} stopped")]
    private static partial void LogStopped(ILogger logger, int port);
}
