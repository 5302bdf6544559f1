using System.Formats.Cbor;
using System.Text.Json;

namespace HealthCode.Formats.Tests;

/// <summary>Codes and a signed trust message made by another implementation (the shared sample scenario).</summary>
public class SampleInteropTests
{
    private static string Sample(string name) => Path.Combine(SampleScenario.Directory, name);

    [Fact]
    public void TrustMessagePayloadParsesAndItsCodesVerify()
    {
        var trust = ReadTrustMessage(File.ReadAllBytes(Sample("trust.cose")));
        Assert.NotNull(trust);
        Assert.Single(trust.Issuers);
        Assert.Equal("CN-HL", trust.Issuers[0].Region);

        using var scenario = JsonDocument.Parse(File.ReadAllText(Sample("scenario.json")));
        var start = DateTimeOffset.Parse(scenario.RootElement.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var verdicts = new List<CodeVerdict>();
        foreach (var visitor in scenario.RootElement.GetProperty("visitors").EnumerateArray())
        {
            if (visitor.TryGetProperty("qr", out var qr) && qr.ValueKind == JsonValueKind.String)
            {
                var now = start.AddSeconds(visitor.GetProperty("atSeconds").GetDouble());
                verdicts.Add(HealthCodeVerifier.Verify(qr.GetString()!, trust, now).Verdict);
            }
        }

        Assert.Contains(CodeVerdict.Valid, verdicts);
        Assert.True(verdicts.Count >= 3);
    }

    /// <summary>
    /// tests/data/deploy/smoke-trust.json, the trust list the arm64 smoke test verifies smoke-code.txt against, is
    /// the sample's signed trust message in the JSON form of health-code.md, and the code verifies with it.
    /// </summary>
    [Fact]
    public void SmokeTestTrustListIsTheSampleTrustMessageAndTheSmokeCodeVerifiesWithIt()
    {
        var trust = ReadTrustMessage(File.ReadAllBytes(Sample("trust.cose")));
        var deploy = Path.Combine(SampleScenario.Directory, "..", "deploy");
        var expectedJson = TrustListFormat.ToJson(trust);
        var smokeTrust = Path.Combine(deploy, "smoke-trust.json");

        Assert.Equal(expectedJson, File.ReadAllText(smokeTrust));
        var code = File.ReadAllText(Path.Combine(deploy, "smoke-code.txt")).Trim();
        var at = DateTimeOffset.Parse(File.ReadAllText(Path.Combine(deploy, "smoke-at.txt")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(CodeVerdict.Valid, HealthCodeVerifier.Verify(code, TrustListFormat.FromJson(File.ReadAllText(smokeTrust)), at).Verdict);
    }

    private static TrustList ReadTrustMessage(byte[] cose)
    {
        var message = System.Security.Cryptography.Cose.CoseSign1Message.DecodeSign1(cose);
        var reader = new CborReader(message.Content!.Value);
        reader.ReadStartMap();
        TrustList? trust = null;
        long at = 0;
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            switch (reader.ReadTextString())
            {
                case "at":
                    at = reader.ReadInt64();
                    break;
                case "issuers":
                    trust = TrustListFormat.ReadCbor(reader, DateTimeOffset.FromUnixTimeSeconds(at));
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }

        return trust ?? throw new InvalidDataException("trust message without issuers");
    }
}
