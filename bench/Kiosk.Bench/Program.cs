using Kiosk.Bench;

// Usage: dotnet run -c Release --project bench/Kiosk.Bench -- [--quick] [--json] [--filter NAME]
var quick = args.Contains("--quick");
var json = args.Contains("--json");
string? filter = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--filter")
    {
        if (i + 1 >= args.Length)
        {
            Console.Error.WriteLine("error: --filter needs a NAME (a substring of a figure name)");
            return 2;
        }

        filter = args[i + 1];
    }
    else if (args[i] is not ("--quick" or "--json") && (i == 0 || args[i - 1] != "--filter"))
    {
        Console.Error.WriteLine($"error: unknown argument '{args[i]}' (use --quick, --json, --filter NAME)");
        return 2;
    }
}

var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .OrderBy(t => t.Name, StringComparer.Ordinal)
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .Where(b => filter is null || b.FigureNames.Any(n => n.Contains(filter, StringComparison.OrdinalIgnoreCase)))
    .ToList();

if (benchmarks.Count == 0)
{
    Console.Error.WriteLine($"error: no figure matches '{filter}'");
    return 2;
}

var options = new BenchOptions(quick);
foreach (var benchmark in benchmarks)
{
    IReadOnlyList<Figure> figures;
    try
    {
        figures = await benchmark.RunAsync(options, CancellationToken.None);
    }
    catch (Exception ex) when (ex is not OutOfMemoryException)
    {
        Console.Error.WriteLine($"error: {benchmark.GetType().Name} failed: {ex.Message}");
        return 1;
    }

    foreach (var figure in figures.Where(f => filter is null || f.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
    {
        Console.WriteLine(json
            ? FigureJson.Serialize(figure)
            : $"{figure.Name,-36} {figure.Value,12:0.###} {figure.Unit,-6} baseline {figure.Baseline?.ToString("0.###") ?? "-",10}  ratio {figure.Ratio?.ToString("0.###") ?? "-"}");
    }
}

return 0;
