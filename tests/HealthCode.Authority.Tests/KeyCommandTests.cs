using HealthCode.Formats.Feed;

namespace HealthCode.Authority.Tests;

using static AuthorityRun;

/// <summary><c>key create</c> prints what the province's paperwork needs: the fingerprint <c>kiosk enroll</c> shows an installer.</summary>
public sealed class KeyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("authority-key-create-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KeyCreatePrintsTheFingerprintKioskEnrollShowsForTheAuthorityKey()
    {
        var output = await Ok("key", "create", "--name", "authority", "--out", _dir);

        var spki = Convert.FromBase64String(File.ReadAllText(Path.Combine(_dir, "authority.pub")).Trim());
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("fingerprint ", StringComparison.Ordinal));
        Assert.StartsWith($"fingerprint {AuthorityKey.Fingerprint(spki)} ", line, StringComparison.Ordinal);
    }
}
