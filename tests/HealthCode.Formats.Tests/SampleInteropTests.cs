using System.Formats.Cbor;
using System.Text.Json;
using HealthCode.Formats;

namespace HealthCode.Formats.Tests;

/// <summary>Codes and a signed trust message made by another implementation (the shared sample scenario).</summary>
public class SampleInteropTests
{
    private static string Sample(string name) => Path.Combine(SampleScenario.Directory, name);

    [Fact]
    public void TrustMessagePayloadParsesAndItsCodesVerify()
    {
        var cose = File.ReadAllBytes(Sample("trust.cose"));
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
}
