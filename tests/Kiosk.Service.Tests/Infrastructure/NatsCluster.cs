using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kiosk.Service.Tests.Infrastructure;

/// <summary>
/// A real 3-node NATS cluster (apt: nats-server) on loopback, as a province runs it (mqtt.md): JetStream on every
/// node (its own store directory under a temporary folder), <c>server_name</c> set, routes between the three, and the
/// MQTT 3.1.1 listener with <c>stream_replicas: 3</c>, so retained messages, sessions and QoS 1 messages live in
/// streams replicated on all three nodes. A node can be killed (SIGKILL) and started again on its ports.
/// </summary>
/// <remarks>
/// Started means: every node's monitoring endpoint names the same JetStream meta leader, and an MQTT client has
/// connected to each node and published and read back a retained message (the first MQTT connection creates the
/// replicated MQTT streams; that must be over before a test's timings start). Ports are found free by binding port 0;
/// when a node could not bind one (<c>address already in use</c>) the whole cluster starts again on other ports.
/// </remarks>
internal sealed class NatsCluster : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly string _directory;
    private readonly Node[] _nodes;
    private Func<MqttClientOptionsBuilder>? _login;

    private NatsCluster(string directory, Node[] nodes)
    {
        _directory = directory;
        _nodes = nodes;
    }

    /// <summary>Path of the nats-server binary, or null when not installed.</summary>
    public static string? Executable { get; } = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists);

    /// <summary>The loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The MQTT port of each node (0, 1, 2).</summary>
    public IReadOnlyList<int> MqttPorts => _nodes.Select(n => n.MqttPort).ToArray();

    /// <summary>The brokers as a <c>Hosts</c> list (<c>127.0.0.1:port</c> each, node 0 first).</summary>
    public List<string> Hosts => _nodes.Select(n => $"127.0.0.1:{n.MqttPort}").ToList();

    /// <summary>The cluster's folder (configurations, stores, logs).</summary>
    public string Directory => _directory;

    /// <summary>
    /// Starts three nodes. <paramref name="extraConfig"/> is added to every node's configuration (an authorization
    /// block, TLS for the MQTT listener: <paramref name="mqttBlock"/> is added inside <c>mqtt { }</c>).
    /// </summary>
    /// <param name="extraConfig">Added to every node's configuration (an <c>include</c> of an authorization file).</param>
    /// <param name="mqttBlock">Added inside <c>mqtt { }</c> (a TLS block).</param>
    /// <param name="environment">The nodes' environment (passwords an authorization file names as <c>$VAR</c>).</param>
    /// <param name="warmUpLogin">Login (credentials, TLS) of the warm-up client, which publishes and reads a retained <c>kiosk/v1/warmup/p{port}/status</c>.</param>
    public static async Task<NatsCluster> StartAsync(string? extraConfig = null, string? mqttBlock = null, IReadOnlyDictionary<string, string>? environment = null, Func<MqttClientOptionsBuilder>? warmUpLogin = null)
    {
        if (Executable is null)
        {
            throw new InvalidOperationException("nats-server is not installed (apt-get install nats-server)");
        }

        for (var attempt = 1; ; attempt++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "kiosk-nats-" + Guid.NewGuid().ToString("N")[..12]);
            System.IO.Directory.CreateDirectory(directory);
            var nodes = Enumerable.Range(0, 3).Select(i => new Node(i, directory, MosquittoBroker.FreePort(), MosquittoBroker.FreePort(), MosquittoBroker.FreePort(), MosquittoBroker.FreePort(), environment)).ToArray();
            var routes = string.Join(", ", nodes.Select(n => $"nats-route://127.0.0.1:{n.ClusterPort}"));
            foreach (var node in nodes)
            {
                node.WriteConfig(routes, extraConfig, mqttBlock);
            }

            var cluster = new NatsCluster(directory, nodes);
            try
            {
                foreach (var node in nodes)
                {
                    node.Start();
                }

                cluster._login = warmUpLogin;
                await cluster.WaitReadyAsync(warmUp: true);
                return cluster;
            }
            catch (Exception)
            {
                // Nothing left behind: processes killed, folder deleted; taken ports: start again elsewhere.
                var portTaken = nodes.Any(n => n.Log().Contains("address already in use", StringComparison.OrdinalIgnoreCase));
                await cluster.DisposeAsync();
                if (!portTaken || attempt >= 5)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>SIGKILL node <paramref name="index"/> and wait for its exit.</summary>
    public Task KillAsync(int index) => _nodes[index].KillAsync();

    /// <summary>Starts node <paramref name="index"/> again (same ports, same store) and waits until the cluster is whole.</summary>
    public async Task RestartAsync(int index)
    {
        await Poll.UntilAsync(
            () =>
            {
                _nodes[index].Start();
                Thread.Sleep(300);
                return !_nodes[index].HasExited;
            },
            $"nats node {index} to start again",
            TimeSpan.FromSeconds(20),
            // The previous instance's sockets may linger: a retry interval, not a wait for an outcome.
            pause: TimeSpan.FromMilliseconds(200),
            detail: () => _nodes[index].Log());
        await WaitReadyAsync(warmUp: false);
    }

    /// <summary>True while node <paramref name="index"/> runs.</summary>
    public bool IsRunning(int index) => !_nodes[index].HasExited;

    /// <summary>The log of node <paramref name="index"/> (diagnostics).</summary>
    public string Log(int index) => _nodes[index].Log();

    /// <summary>
    /// Publishes as the authority does on the cluster: MQTT 3.1.1, QoS 1, through node <paramref name="node"/>, again
    /// until acknowledged (a node losing a stream leader drops the connection meanwhile).
    /// </summary>
    public async Task PublishAsync(int node, string topic, byte[] payload, bool retain)
    {
        string? error = null;
        await Poll.UntilAsync(
            async () =>
            {
                using var client = new MqttClientFactory().CreateMqttClient();
                try
                {
                    await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(Host, MqttPorts[node]).WithClientId("authority-" + Guid.NewGuid().ToString("N")[..8])
                        .WithProtocolVersion(MqttProtocolVersion.V311).WithCleanSession(true).WithTimeout(TimeSpan.FromSeconds(10)).Build());
                    var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                    await client.DisconnectAsync();
                    error = result.IsSuccess ? null : result.ReasonCode.ToString();
                    return result.IsSuccess;
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException ex)
                {
                    error = ex.Message;
                    return false;
                }
            },
            $"the publish to {topic} acknowledged",
            TimeSpan.FromSeconds(30),
            pause: TimeSpan.FromMilliseconds(200),
            detail: () => error ?? "-");
    }

    /// <summary>The node's index whose MQTT port is <paramref name="port"/>.</summary>
    public int IndexOfMqttPort(int port) => Array.FindIndex(_nodes, n => n.MqttPort == port);

    /// <summary>Number of MQTT clients connected to node <paramref name="index"/> (its monitoring endpoint).</summary>
    public async Task<int> MqttClientsAsync(int index)
    {
        var json = await Http.GetStringAsync($"http://127.0.0.1:{_nodes[index].HttpPort}/connz?limit=100000");
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("connections").EnumerateArray().Count(c => c.TryGetProperty("mqtt_client", out _));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.KillAsync();
            node.Dispose();
        }

        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private async Task WaitReadyAsync(bool warmUp)
    {
        string leaders = string.Empty;
        await Poll.UntilAsync(
            async () =>
            {
                if (_nodes.FirstOrDefault(n => n.HasExited && n.ShouldRun) is { } dead)
                {
                    throw new InvalidOperationException($"nats node {dead.Index} exited: {dead.Log()}");
                }

                var names = new List<string>();
                foreach (var node in _nodes.Where(n => n.ShouldRun))
                {
                    names.Add(await node.MetaLeaderAsync() ?? "-");
                }

                leaders = string.Join(", ", names);
                return names.All(n => n != "-" && n == names[0]);
            },
            "the NATS cluster to elect a JetStream meta leader",
            TimeSpan.FromSeconds(60),
            pause: TimeSpan.FromMilliseconds(100),
            detail: () => $"leaders seen: {leaders}; {_nodes[0].Log()}");
        if (!warmUp)
        {
            return;
        }

        // The first MQTT connection creates the replicated MQTT streams; each node then proves its listener works.
        foreach (var node in _nodes)
        {
            await Poll.UntilAsync(
                async () => await TryRoundTripAsync(node.MqttPort, _login),
                $"the MQTT listener of nats node {node.Index} to keep a retained message",
                TimeSpan.FromSeconds(60),
                pause: TimeSpan.FromMilliseconds(200),
                detail: node.Log);
        }
    }

    private static async Task<bool> TryRoundTripAsync(int port, Func<MqttClientOptionsBuilder>? login)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var topic = $"kiosk/v1/warmup/p{port}/status";
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == topic)
            {
                got.TrySetResult();
            }

            return Task.CompletedTask;
        };
        try
        {
            var builder = login?.Invoke() ?? new MqttClientOptionsBuilder();
            var options = builder.WithTcpServer("127.0.0.1", port).WithClientId($"warmup-{port}-{Guid.NewGuid():N}"[..30]).WithProtocolVersion(MqttProtocolVersion.V311)
                .WithCleanSession(true).WithTimeout(TimeSpan.FromSeconds(10)).Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await client.ConnectAsync(options, timeout.Token);
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload("ok").WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), timeout.Token);
            await client.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token);
            await got.Task.WaitAsync(timeout.Token);
            await client.DisconnectAsync();
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private sealed class Node(int index, string root, int clientPort, int clusterPort, int mqttPort, int httpPort, IReadOnlyDictionary<string, string>? environment) : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();
        private Process? _process;

        public int Index => index;

        public int ClusterPort => clusterPort;

        public int MqttPort => mqttPort;

        public int HttpPort => httpPort;

        public bool ShouldRun { get; private set; }

        public bool HasExited => _process is null || _process.HasExited;

        private string Config => Path.Combine(root, $"n{index}.conf");

        private string LogFile => Path.Combine(root, $"n{index}.log");

        public void WriteConfig(string routes, string? extraConfig, string? mqttBlock)
        {
            var store = Path.Combine(root, $"n{index}");
            System.IO.Directory.CreateDirectory(store);
            File.WriteAllText(Config, $$"""
                server_name: n{{index}}
                listen: 127.0.0.1:{{clientPort}}
                http: 127.0.0.1:{{httpPort}}
                log_file: "{{LogFile}}"
                jetstream {
                  store_dir: "{{store}}"
                  max_memory_store: 256MB
                  max_file_store: 2GB
                }
                cluster {
                  name: province
                  listen: 127.0.0.1:{{clusterPort}}
                  routes: [{{routes}}]
                }
                mqtt {
                  listen: 127.0.0.1:{{mqttPort}}
                  stream_replicas: 3
                  {{mqttBlock ?? string.Empty}}
                }
                {{extraConfig ?? string.Empty}}
                """);
        }

        public void Start()
        {
            ShouldRun = true;
            _process?.Dispose();
            var info = new ProcessStartInfo(Executable!, ["-c", Config])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                info.Environment[name] = value;
            }

            _process = Process.Start(info)!;
            _process.ErrorDataReceived += (_, e) => _errors.Enqueue(e.Data ?? string.Empty);
            _process.OutputDataReceived += (_, e) => _errors.Enqueue(e.Data ?? string.Empty);
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
        }

        public async Task KillAsync()
        {
            ShouldRun = false;
            if (_process is not { HasExited: false } process)
            {
                return;
            }

            process.Kill();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
        }

        public async Task<string?> MetaLeaderAsync()
        {
            try
            {
                var json = await Http.GetStringAsync($"http://127.0.0.1:{httpPort}/jsz");
                using var doc = JsonDocument.Parse(json);
                return doc.RootElement.TryGetProperty("meta_cluster", out var meta) && meta.TryGetProperty("leader", out var leader) && leader.GetString() is { Length: > 0 } name ? name : null;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                return null;
            }
        }

        public string Log()
        {
            try
            {
                var output = string.Join('\n', _errors.Where(l => l.Length > 0));
                return (File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(40)) : "(no log)") + (output.Length > 0 ? "\n" + output : string.Empty);
            }
            catch (IOException)
            {
                return "(log unreadable)";
            }
        }

        public void Dispose() => _process?.Dispose();
    }
}
