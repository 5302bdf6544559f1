using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Kiosk.Service.Tests.Infrastructure;

/// <summary>
/// A real Mosquitto (apt: mosquitto) on a loopback port it has proven it owns, started from a temporary config; it
/// can be stopped (SIGTERM, saving its persistence file) or killed (SIGKILL) and started again on the same port.
/// Shared by the color-feed, fleet and scenario tests.
/// </summary>
/// <remarks>
/// A free port found by binding port 0 is free only at that moment: another test or process may take it before
/// Mosquitto binds it, and a plain TCP probe would then talk to the wrong server. So the broker counts as started
/// only when its own log (of this start) says it is running and its process is alive; when it could not bind
/// (<c>Address already in use</c>) a first start takes other ports, a restart tries the same port again.
/// </remarks>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _configPath;
    private Process? _process;

    private MosquittoBroker(string directory, int port, string configPath)
    {
        _directory = directory;
        Port = port;
        _configPath = configPath;
    }

    /// <summary>Always the loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The broker's working directory (config, persistence, extra files).</summary>
    public string Directory => _directory;

    /// <summary>Path of the mosquitto binary, or null when not installed.</summary>
    public static string? Executable { get; } = new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists);

    /// <summary>Starts a broker. <paramref name="persistence"/> keeps sessions and queued messages across a graceful stop.</summary>
    public static async Task<MosquittoBroker> StartAsync(bool persistence = false, string? extraConfig = null, Func<string, string>? listener = null)
    {
        if (Executable is null)
        {
            throw new InvalidOperationException("mosquitto is not installed (apt-get install mosquitto mosquitto-clients)");
        }

        var directory = Path.Combine(Path.GetTempPath(), "kiosk-mosquitto-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "mosquitto.conf");
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            WriteConfig(config, directory, port, persistence, extraConfig, listener?.Invoke(directory));
            var broker = new MosquittoBroker(directory, port, config);
            if (await broker.TryStartAsync() is not { } error)
            {
                return broker;
            }

            if (!error.Contains("Address already in use", StringComparison.Ordinal) || attempt == 10)
            {
                throw new InvalidOperationException($"mosquitto did not start on port {port}: {error}");
            }
        }
    }

    private static void WriteConfig(string config, string directory, int port, bool persistence, string? extraConfig, string? listenerBlock)
    {
        File.WriteAllText(config, $"""
            user root
            listener {port} 127.0.0.1
            allow_anonymous true
            {listenerBlock}
            persistence {(persistence ? "true" : "false")}
            persistence_location {directory}/
            autosave_interval 3600
            max_queued_messages 0
            max_inflight_messages 20
            log_dest file {directory}/mosquitto.log
            log_type error
            log_type warning
            log_type notice
            log_type information
            {extraConfig ?? string.Empty}
            """.Replace("\n            ", "\n", StringComparison.Ordinal));
    }

    /// <summary>
    /// A broker with, beside its plain loopback listener, a TLS listener that requires a client certificate signed
    /// by <paramref name="caFile"/> and takes the certificate's CN as the user name.
    /// </summary>
    public static async Task<(MosquittoBroker Broker, int TlsPort)> StartWithTlsAsync(string caFile, string certFile, string keyFile)
    {
        var tlsPort = 0;
        var broker = await StartAsync(listener: _ => $"""
            listener {tlsPort = FreePort()} 127.0.0.1
            cafile {caFile}
            certfile {certFile}
            keyfile {keyFile}
            require_certificate true
            use_identity_as_username true
            """.Replace("\n            ", "\n", StringComparison.Ordinal));
        return (broker, tlsPort);
    }

    /// <summary>Starts the broker process again on the same port; while the old socket lingers, tries again.</summary>
    public async Task RestartAsync()
    {
        string? error = null;
        await Poll.UntilAsync(
            async () =>
            {
                error = await TryStartAsync();
                return error is null || !error.Contains("Address already in use", StringComparison.Ordinal);
            },
            $"mosquitto to start again on port {Port}",
            // The previous instance's socket may linger for a moment: a retry interval, not a wait for an outcome.
            pause: TimeSpan.FromMilliseconds(100),
            detail: () => error ?? "");
        if (error is not null)
        {
            throw new InvalidOperationException($"mosquitto did not start again on port {Port}: {error}");
        }
    }

    /// <summary>Starts the process; null once its own log says it runs (every listener bound), else what it logged before it exited.</summary>
    private async Task<string?> TryStartAsync()
    {
        var log = Path.Combine(_directory, "mosquitto.log");
        var offset = File.Exists(log) ? new FileInfo(log).Length : 0;
        var info = new ProcessStartInfo(Executable!, ["-c", _configPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var process = _process;
        string ThisStart() => File.Exists(log) ? ReadFrom(log, offset) : string.Empty;
        await Poll.UntilAsync(
            () => process.HasExited || ThisStart().Contains(" running", StringComparison.Ordinal),
            $"mosquitto to start on port {Port}",
            TimeSpan.FromSeconds(20),
            detail: ThisStart);
        if (process.HasExited)
        {
            return ThisStart();
        }

        await Poll.UntilAsync(CanConnectAsync, $"mosquitto to accept connections on port {Port}", TimeSpan.FromSeconds(10), detail: ReadLog);
        return null;
    }

    private static string ReadFrom(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = Math.Min(offset, stream.Length);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>SIGTERM (graceful: saves persistence) or SIGKILL, and waits for the exit.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        if (kill)
        {
            process.Kill();
        }
        else
        {
            _ = SendSignal(process.Id, 15);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>The broker's log (diagnostics in failure messages).</summary>
    public string ReadLog()
    {
        var log = Path.Combine(_directory, "mosquitto.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(kill: true);
        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private async Task<bool> CanConnectAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
