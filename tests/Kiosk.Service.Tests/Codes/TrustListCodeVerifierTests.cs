using HealthCode.Formats;
using Kiosk.Colors.Codes;
using Kiosk.Core.Checkpoint;
using Microsoft.Extensions.Options;

namespace Kiosk.Service.Tests.Codes;

public sealed class TrustListCodeVerifierTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("codes-").FullName;
    private readonly SigningKey _key = SigningKey.CreateEs256();

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void VerifiesAgainstATrustListFile()
    {
        var path = WriteTrust(_key);
        var verifier = new TrustListCodeVerifier(new FileTrustListSource(path), TimeSpan.FromSeconds(120));
        var id = CodeId.FromBytes(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        var text = new HealthCodeIssuer(_key).Issue("CN-HL", Now.AddMinutes(-1), Now.AddMinutes(4), new HealthCodeClaim(id, HealthColor.Yellow, 1_700_000_000, "李*", true));

        var result = verifier.Verify(text, Now);

        Assert.Equal(CodeVerdict.Valid, result.Verdict);
        Assert.Equal("CN-HL", result.Issuer);
        Assert.Equal(id, result.Claims!.Id);
        Assert.Equal(HealthColor.Yellow, result.Claims.Color);
        Assert.Equal(1_700_000_000, result.Claims.ColorTime);
        Assert.Equal("李*", result.Claims.MaskedName);
        Assert.True(result.Claims.Proxy);
        Assert.Same(VerifiedCode.NotACode, verifier.Verify("https://example.com", Now));
        Assert.Equal(CodeVerdict.Expired, verifier.Verify(text, Now.AddMinutes(10)).Verdict);
    }

    [Fact]
    public void UsesTheGivenSkewAndTheConfiguredFile()
    {
        var options = Options.Create(new HealthCodeOptions { TrustListFile = WriteTrust(_key) });
        var verifier = new TrustListCodeVerifier(new FileTrustListSource(options), skew: TimeSpan.Zero);
        var text = new HealthCodeIssuer(_key).Issue("CN-HL", Now.AddSeconds(1), Now.AddMinutes(4), new HealthCodeClaim(default, HealthColor.Green, 0, "x", false));
        Assert.Equal(CodeVerdict.NotYetValid, verifier.Verify(text, Now).Verdict);
    }

    [Fact]
    public void ABadFileFailsAtStartAndABadReloadKeepsTheOldList()
    {
        var path = WriteTrust(_key);
        var source = new FileTrustListSource(path);
        File.WriteAllText(path, "{ not json");
        Assert.False(source.Reload(out var error));
        Assert.NotNull(error);
        Assert.Single(source.Current.Issuers);
        Assert.Throws<OptionsValidationException>(() => new FileTrustListSource(path));
        Assert.Throws<OptionsValidationException>(() => new FileTrustListSource(Path.Combine(_dir, "missing.json")));
        Assert.Empty(new FileTrustListSource(Options.Create(new HealthCodeOptions())).Current.Issuers);
    }

    private string WriteTrust(SigningKey key)
    {
        var path = Path.Combine(_dir, "trust.json");
        File.WriteAllText(path, TrustListFormat.ToJson(new TrustList([key.ToTrustedIssuer("CN-HL", Now.AddDays(-1), Now.AddDays(1))])));
        return path;
    }
}
