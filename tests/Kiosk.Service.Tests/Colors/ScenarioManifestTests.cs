using Kiosk.Colors;
using Kiosk.Simulation;
using Kiosk.Simulation.Demo;

namespace Kiosk.Service.Tests.Colors;

/// <summary>A scenario's feed with manifest folders (the soak's feed): parsed with their parts, fetched and applied
/// through the production processor.</summary>
public sealed class ScenarioManifestTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kiosk-scenario-manifest-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void ADayWithSnapshotsAsManifestsIsFetchedAndAppliedThroughTheProcessor()
    {
        var day = DayScenario.Create(Path.Combine(_directory, "day"), new DayScenarioSettings
        {
            Visitors = 20,
            Duration = TimeSpan.FromHours(2),
            SnapshotsAsManifests = true,
            ManifestPartBytes = 4096,
        });
        var scenario = Scenario.Load(day.ScenarioPath);
        var provisioning = Assert.Single(scenario.FeedMessages, m => m.Parts is not null && m.AtSeconds is null);
        Assert.True(provisioning.Parts!.Count > 3, $"{provisioning.Parts.Count} parts");
        Assert.Contains(scenario.FeedMessages, m => m.Parts is not null && m.AtSeconds is not null);

        using var key = HealthCode.Formats.Feed.AuthorityKey.FromSpki(scenario.AuthorityKey);
        using var store = ColorStore.Open(new ColorStoreSettings { DatabasePath = Path.Combine(_directory, "colors.db"), Feed = scenario.Feed, AuthorityKey = key });
        var processor = new ColorFeedProcessor(store, key, new InMemoryAlerts(), TimeProvider.System);
        var ingress = new ProcessorFeedIngress(processor);
        var outcomes = scenario.FeedMessages.Select(m => m.Parts is { } parts ? ingress.ApplyManifest(m.Bytes, parts) : ingress.Apply(m.Bytes)).ToList();

        Assert.StartsWith("ManifestApplied: manifest seq 1 applied", outcomes[scenario.FeedMessages.ToList().IndexOf(provisioning)], StringComparison.Ordinal);
        Assert.Equal(provisioning.Parts.Count, processor.PartsVerifiedCount);

        // The hourly manifests arrive at the local seq, after the batch they include: heartbeats, never fetched.
        Assert.All(scenario.FeedMessages.Where(m => m.Parts is not null && m.AtSeconds is not null), m =>
            Assert.StartsWith("ManifestInSync", outcomes[scenario.FeedMessages.ToList().IndexOf(m)], StringComparison.Ordinal));
        Assert.True(store.State.Seq >= day.FinalSeq, $"seq {store.State.Seq}, the day's final {day.FinalSeq}");
        Assert.Null(processor.Fetch);
    }
}
