using Kiosk.Service.Tests.Infrastructure;

namespace Kiosk.Service.Tests.Cluster;

/// <summary>One real 3-node NATS cluster (JetStream, MQTT listener, 3 replicas) for all the tests of a class.</summary>
public sealed class NatsClusterFixture : IAsyncLifetime
{
    internal NatsCluster Cluster { get; private set; } = null!;

    /// <summary>Starts the cluster; without nats-server the tests are skipped (<c>[ToolFact("nats-server")]</c>) and nothing starts.</summary>
    public async Task InitializeAsync()
    {
        if (NatsCluster.Executable is not null)
        {
            Cluster = await NatsCluster.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>The cluster tests run one class at a time (three brokers and their kiosks share two cores).</summary>
public static class NatsCollection
{
    public const string Name = "nats-cluster";
}
