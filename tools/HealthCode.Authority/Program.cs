using System.CommandLine;

var root = new RootCommand("hc-authority: keys, health codes, trust lists and color-feed messages for tests, demos and load tests");
return await root.Parse(args).InvokeAsync();
