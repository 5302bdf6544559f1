using System.Runtime.InteropServices;

namespace Kiosk.Service.Tests.Deploy;

/// <summary>
/// A tiny stand-in for a <c>dotnet publish</c> folder, for packaging tests: a <c>kiosk</c> launcher script,
/// the runtime config, a debug-symbols file, and real native libraries of this machine's runtime
/// (ELF files with NEEDED entries, as in a real publish).
/// </summary>
internal sealed class FakePublish : IDisposable
{
    private readonly TempDirectory _root = new();

    public FakePublish(bool invariantGlobalization = true, string? appSettingsJson = null)
    {
        Directory.CreateDirectory(PublishDir);
        var launcher = Path.Combine(PublishDir, "kiosk");
        File.WriteAllText(launcher, "#!/bin/sh\necho kiosk\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        }
        File.WriteAllText(Path.Combine(PublishDir, "kiosk.pdb"), "symbols");
        File.WriteAllText(Path.Combine(PublishDir, "kiosk.runtimeconfig.json"), $$"""
            {
              "runtimeOptions": {
                "tfm": "net10.0",
                "configProperties": {
                  "System.GC.Server": false,
                  "System.Globalization.Invariant": {{(invariantGlobalization ? "true" : "false")}}
                }
              }
            }
            """);
        if (appSettingsJson is not null)
        {
            File.WriteAllText(Path.Combine(PublishDir, "appsettings.json"), appSettingsJson);
        }

        foreach (var library in new[] { "libSystem.Native.so", "libcoreclrtraceptprovider.so" })
        {
            var source = Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), library);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(PublishDir, library));
            }
        }
    }

    public string PublishDir => _root.Combine("publish");

    public string OutDir => _root.Combine("out");

    public string Combine(params string[] parts) => _root.Combine(parts);

    /// <summary>The Debian architecture of the libraries in the folder: this machine's.</summary>
    public static string HostDebianArch => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "armhf",
        var other => throw new PlatformNotSupportedException($"no Debian architecture for {other}"),
    };

    /// <summary>An architecture the libraries are not built for.</summary>
    public static string OtherDebianArch => HostDebianArch == "arm64" ? "amd64" : "arm64";

    public Task<ToolResult> PackageAsync(string version = "1.2.3", string? arch = null) =>
        DeployTools.RunAsync("bash", [Path.Combine(DeployTools.RaspberryPiDir, "package-deb.sh"), PublishDir, OutDir, version, arch ?? HostDebianArch]);

    public void Dispose() => _root.Dispose();
}
