using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kiosk.Service.Tests.Infrastructure;

/// <summary>
/// A real Mosquitto broker (apt: mosquitto) on a random free loopback port, with a temp config
/// (anonymous, no persistence). Start, stop and restart keep the same port, so clients can test reconnects.
/// Use as an xunit class fixture or create one per test; disposing kills the broker.
/// </summary>
public sealed class MosquittoFixture : IDisposable
{
    private readonly string _directory;
    private readonly string _configPath;
    private Process? _process;

    public MosquittoFixture()
    {
        Executable = FindExecutable();
        Port = FreePort();
        _directory = Path.Combine(Path.GetTempPath(), "kiosk-mosquitto-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _configPath = Path.Combine(_directory, "mosquitto.conf");
        File.WriteAllText(_configPath, $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence false
            log_dest stderr
            log_type error
            log_type warning
            """);
        Start();
    }

    /// <summary>Always the loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The broker's port (the same across restarts).</summary>
    public int Port { get; }

    /// <summary>The mosquitto binary in use.</summary>
    public string Executable { get; }

    /// <summary>True while the broker process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the broker and waits until it accepts connections.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        var start = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_configPath);
        _process = Process.Start(start) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        WaitUntilAccepting(TimeSpan.FromSeconds(15));
    }

    /// <summary>Kills the broker (as a crash or power cut would) and waits until the port is closed.</summary>
    public void Stop()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Stop, then start again on the same port.</summary>
    public void Restart()
    {
        Stop();
        Start();
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void WaitUntilAccepting(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process is { HasExited: true } p)
            {
                throw new InvalidOperationException($"mosquitto exited with code {p.ExitCode} (port {Port})");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException($"mosquitto did not accept connections on port {Port} within {timeout.TotalSeconds} s");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string FindExecutable()
    {
        foreach (var candidate in new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/local/bin/mosquitto" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("mosquitto is not installed (apt-get install mosquitto mosquitto-clients)");
    }
}
