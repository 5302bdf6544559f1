using Kiosk.Core;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Infrastructure;
using MQTTnet;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// The CA, client certificate and key files that configuration names are read with a limit and only when regular:
/// a path to <c>/dev/zero</c> or <c>/dev/urandom</c> is one line naming the key, not gigabytes read.
/// </summary>
public sealed class TlsMaterialFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("CaFile", "/dev/zero")]
    [InlineData("CaFile", "/dev/urandom")]
    [InlineData("ClientCertFile", "/dev/zero")]
    [InlineData("ClientCertFile", "/dev/urandom")]
    [InlineData("ClientKeyFile", "/dev/zero")]
    public void ADeviceNamedAsTlsMaterialIsOneLineNamingTheKey(string key, string device)
    {
        var pki = TestCertificates.Create(_dir.Path, "Limits CA");
        var client = pki.Issue("kiosk-01", server: false);
        var security = new BrokerSecurity(
            "Fleet",
            "broker.example",
            Tls: true,
            CaFile: key == "CaFile" ? device : pki.CaFile,
            TlsServerName: string.Empty,
            Username: string.Empty,
            Password: string.Empty,
            ClientCertFile: key == "ClientCertFile" ? device : client.CertFile,
            ClientKeyFile: key == "ClientKeyFile" ? device : client.KeyFile,
            ClientCertPassword: string.Empty);

        var error = Assert.Throws<KioskInputException>(() => BrokerCredentials.Apply(new MqttClientOptionsBuilder(), security));

        Assert.Equal($"Fleet:{key}: {device} is not a regular file (a device, pipe or socket)", error.Message);
    }

    [Fact]
    public void ACertificateFileLargerThanOneMebibyteIsRefused()
    {
        var big = Path.Combine(_dir.Path, "big.pem");
        File.WriteAllBytes(big, new byte[(1 << 20) + 1]);
        var security = new BrokerSecurity("Fleet", "broker.example", true, big, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);

        var error = Assert.Throws<KioskInputException>(() => BrokerCredentials.Apply(new MqttClientOptionsBuilder(), security));

        Assert.Equal($"Fleet:CaFile: {big} is larger than 1 MiB", error.Message);
    }

    [Fact]
    public async Task TheConsoleWithCaFileOnDevZeroIsOneLineAndExitTwo()
    {
        var result = await CliRunner.RunAsync("fleet", "status", "--mqtt", "127.0.0.1:1", "--tls", "--ca-file", "/dev/zero", "--timeout", "5");

        CliRunner.AssertOneLineError(result, "error: cannot connect to the broker 127.0.0.1:1: Fleet:CaFile: /dev/zero is not a regular file (a device, pipe or socket)");
    }
}
