using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Kiosk.Service.Tests.FleetConsole;

/// <summary>
/// A real <c>kiosk run --simulate</c> as a child process on a broker: the whole host (checkpoint on simulated devices,
/// color feed client, fleet link with remote configuration and Home Assistant discovery), killable with SIGKILL.
/// </summary>
internal sealed class SimulatedKioskProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string? _directory;

    private SimulatedKioskProcess(Process process, string? directory)
    {
        _process = process;
        _directory = directory;
    }

    /// <summary>What the kiosk printed (its log), for failure messages.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Path of the kiosk built next to this test project (…/src/Kiosk.Service/bin/{configuration}/net10.0/kiosk.dll).</summary>
    public static string KioskDll
    {
        get
        {
            var baseDirectory = AppContext.BaseDirectory.TrimEnd('/');
            var configuration = Path.GetFileName(Path.GetDirectoryName(baseDirectory))!;
            var dll = Path.GetFullPath(Path.Combine(baseDirectory, "..", "..", "..", "..", "..", "src", "Kiosk.Service", "bin", configuration, "net10.0", "kiosk.dll"));
            Assert.True(File.Exists(dll), $"{dll} was not built");
            return dll;
        }
    }

    /// <summary>Starts <c>kiosk run --simulate --config FILE --mqtt 127.0.0.1:PORT</c> as <paramref name="kioskId"/> of site-a.</summary>
    /// <param name="protocol">MQTT protocol of both links (<c>3.1.1</c> on a NATS cluster).</param>
    public static SimulatedKioskProcess Start(int port, string kioskId, bool homeAssistant = true, string? dataDirectory = null, string protocol = "5")
    {
        var directory = dataDirectory ?? Directory.CreateTempSubdirectory("kiosk-run-").FullName;
        using var authority = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var config = new
        {
            Kiosk = new { Site = "site-a", KioskId = kioskId, DataDirectory = directory, SiteSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            ColorFeed = new { Feed = "CN-HL", AuthorityKey = Convert.ToBase64String(authority.ExportSubjectPublicKeyInfo()), DatabasePath = Path.Combine(directory, "colors.db"), Protocol = protocol },
            Fleet = new { TelemetryInterval = "00:00:01", KeepAlive = "00:00:05", Protocol = protocol, HomeAssistant = new { Enabled = homeAssistant } },
        };
        var file = Path.Combine(directory, "kiosk.json");
        File.WriteAllText(file, JsonSerializer.Serialize(config));
        var info = new ProcessStartInfo("dotnet", [KioskDll, "run", "--simulate", "--config", file, "--mqtt", $"127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        var result = new SimulatedKioskProcess(process, dataDirectory is null ? directory : null);
        process.OutputDataReceived += (_, e) => result.Output.Enqueue(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => result.Output.Enqueue(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as systemd stops the service.</summary>
    public void Terminate() => _ = SendSignal(_process.Id, 15);

    /// <summary>SIGKILL: no DISCONNECT, no <c>offline</c>; the broker publishes the Will.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        if (_directory is null)
        {
            return; // the caller's data directory
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
