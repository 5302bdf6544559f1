using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HealthCode.Formats;
using HealthCode.Formats.Identity;

namespace HealthCode.Authority;

/// <summary>
/// <c>card ...</c>: the ID-card side (identity.md). Makes the national docKey, computes a card's docRef, makes test
/// cards (numbers with the right check character), and reads the card-number lists that become <c>d</c> claims and
/// <c>docRecords</c>.
/// </summary>
public static class CardCommands
{
    private static readonly JsonSerializerOptions CardJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var card = new Command("card", "ID cards: the docKey, a card's docRef, test cards");
        card.Subcommands.Add(NewKey());
        card.Subcommands.Add(Ref());
        card.Subcommands.Add(Make());
        return card;
    }

    /// <summary>The <c>--doc-key FILE</c> option of every command that hashes card numbers or carries the key.</summary>
    public static Option<FileInfo?> DocKeyOption() => new("--doc-key") { Description = "The docKey file (base64 of 32 bytes, from 'card key')" };

    /// <summary>Reads a docKey file: base64 of 32 bytes.</summary>
    public static byte[] LoadDocKey(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(AuthorityCli.ReadText(file.FullName, "docKey").Trim());
        }
        catch (FormatException ex)
        {
            throw new AuthorityInputException($"docKey '{file.Name}' is not base64", ex);
        }

        return key.Length == DocRef.KeyLength ? key : throw new AuthorityInputException($"docKey '{file.Name}' is {key.Length} bytes, not {DocRef.KeyLength}");
    }

    /// <summary>The docRef of a card number under a docKey file; the number must be a valid citizen number.</summary>
    public static DocRef DocRefOf(string number, byte[] docKey, string what) =>
        ResidentIdCard.TryNormalizeNumber(number.Trim(), out var normalized)
            ? DocRef.Compute(docKey, normalized)
            : throw new AuthorityInputException($"{what} is not a valid citizen number (17 digits and the right check character)");

    /// <summary>
    /// Reads card colors for <c>docRecords</c>: a CSV of <c>number,color,ct</c> (a header line and # comments allowed) or
    /// a JSON array of <c>{"number", "color", "ct"}</c>; color is 0-2 or green/yellow/red, ct epoch seconds. Each number is
    /// hashed with the docKey; the numbers themselves go nowhere else.
    /// </summary>
    public static DocumentRecord[] ReadDocumentRecords(FileInfo file, byte[] docKey)
    {
        var text = AuthorityCli.ReadText(file.FullName, "--doc-records");
        return text.TrimStart().StartsWith('[') ? FromJson(file.Name, text, docKey) : FromCsv(file.Name, text, docKey);
    }

    private static Command NewKey()
    {
        var output = new Option<FileInfo>("--out") { Description = "Where to write the docKey (base64; mode 0600; never overwritten)", Required = true };
        var command = new Command("key", "Makes the national docKey: 32 random bytes, written as base64") { output };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!.FullName;
            if (File.Exists(path))
            {
                throw new AuthorityInputException($"'{path}' exists; refusing to overwrite a docKey");
            }

            AuthorityCli.WriteFile(path, Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(DocRef.KeyLength)) + "\n"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            parse.InvocationConfiguration.Output.WriteLine($"docKey -> {path}");
            return 0;
        });
        return command;
    }

    private static Command Ref()
    {
        var number = new Argument<string>("NUMBER") { Description = "The 18-character citizen number" };
        var docKey = DocKeyOption();
        docKey.Required = true;
        var command = new Command("ref", "Prints a card's docRef (32 hex digits) under the docKey") { number, docKey };
        command.SetAction(parse =>
        {
            var docRef = DocRefOf(parse.GetValue(number)!, LoadDocKey(parse.GetValue(docKey)!), "NUMBER");
            parse.InvocationConfiguration.Output.WriteLine(Convert.ToHexStringLower(docRef.ToArray()));
            return 0;
        });
        return command;
    }

    private static Command Make()
    {
        var birth = new Option<string>("--birth") { Description = "Birth date (YYYY-MM-DD or YYYYMMDD)", Required = true };
        var area = new Option<string>("--area") { Description = "6-digit area code", DefaultValueFactory = _ => "230102" };
        var sequence = new Option<int>("--sequence") { Description = "First 3-digit sequence (odd: male, even: female)", DefaultValueFactory = _ => 123 };
        var count = new Option<int>("--count") { Description = "How many cards (consecutive sequences)", DefaultValueFactory = _ => 1 };
        var wrongCheck = new Option<bool>("--wrong-check") { Description = "Give each number a wrong check character (a card that is not well-formed)" };
        var json = new Option<bool>("--json") { Description = "Print each card as a scenario 'card' object (cli.md) instead of the number" };
        var name = new Option<string>("--name") { Description = "Name for --json", DefaultValueFactory = _ => "王小明" };
        var validFrom = new Option<string>("--valid-from") { Description = "Validity start for --json (YYYY-MM-DD or YYYYMMDD)", DefaultValueFactory = _ => "20200101" };
        var validTo = new Option<string>("--valid-to") { Description = "Validity end for --json (YYYY-MM-DD, YYYYMMDD or 长期)", DefaultValueFactory = _ => ResidentIdCard.NoEnd };
        var command = new Command("make", "Makes test cards: citizen numbers with the right check character for a birth date")
        {
            birth, area, sequence, count, wrongCheck, json, name, validFrom, validTo,
        };
        command.SetAction(parse =>
        {
            var born = ParseDate(parse.GetValue(birth)!, "--birth");
            var areaCode = parse.GetValue(area)!;
            if (areaCode.Length != 6 || !areaCode.All(char.IsAsciiDigit))
            {
                throw new AuthorityInputException($"--area must be 6 digits, not '{areaCode}'");
            }

            var first = parse.GetValue(sequence);
            var n = parse.GetValue(count);
            if (n < 1 || first < 0 || first + n - 1 > 999)
            {
                throw new AuthorityInputException("--sequence and --count must keep the sequences within 000..999 (count at least 1)");
            }

            var from = ParseDate(parse.GetValue(validFrom)!, "--valid-from").ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var toText = parse.GetValue(validTo)!;
            var to = toText == ResidentIdCard.NoEnd ? toText : ParseDate(toText, "--valid-to").ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            var output = parse.InvocationConfiguration.Output;
            for (var s = first; s < first + n; s++)
            {
                var number = ResidentIdCard.Compose(areaCode, born, s);
                if (parse.GetValue(wrongCheck))
                {
                    const string checks = "10X98765432";
                    number = number[..17] + checks[(checks.IndexOf(number[17], StringComparison.Ordinal) + 1) % checks.Length];
                }

                output.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(new ScenarioCard(number, parse.GetValue(name)!, born.ToString("yyyyMMdd", CultureInfo.InvariantCulture), from, to), CardJson)
                    : number);
            }

            return 0;
        });
        return command;
    }

    private static DateOnly ParseDate(string text, string option) =>
        DateOnly.TryParseExact(text, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new AuthorityInputException($"{option} is not a date (YYYY-MM-DD or YYYYMMDD): '{text}'");

    private static DocumentRecord[] FromCsv(string name, string text, byte[] docKey)
    {
        var records = new List<DocumentRecord>();
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#') || (records.Count == 0 && line.StartsWith("number", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != 3)
            {
                throw new AuthorityInputException($"{name}:{n + 1}: expected number,color,ct");
            }

            records.Add(Record(cells[0], cells[1], cells[2], docKey, $"{name}:{n + 1}"));
        }

        return [.. records];
    }

    private static DocumentRecord[] FromJson(string name, string text, byte[] docKey)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            var records = new List<DocumentRecord>();
            var index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                var where = $"{name}[{index++}]";
                if (entry.ValueKind != JsonValueKind.Object
                    || !entry.TryGetProperty("number", out var number) || number.ValueKind != JsonValueKind.String
                    || !entry.TryGetProperty("color", out var color) || color.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)
                    || !entry.TryGetProperty("ct", out var ct) || ct.ValueKind != JsonValueKind.Number)
                {
                    throw new AuthorityInputException($"{where}: expected {{\"number\": \"...\", \"color\": 0-2 or a name, \"ct\": epoch seconds}}");
                }

                records.Add(Record(number.GetString()!, color.ValueKind == JsonValueKind.String ? color.GetString()! : color.GetRawText(), ct.GetRawText(), docKey, where));
            }

            return [.. records];
        }
        catch (JsonException ex)
        {
            throw new AuthorityInputException($"{name} is neither a CSV nor a JSON array: {ex.Message}", ex);
        }
    }

    private static DocumentRecord Record(string number, string color, string ct, byte[] docKey, string where)
    {
        if (!AuthorityCli.TryParseColor(color, out var parsedColor))
        {
            throw new AuthorityInputException($"{where}: color must be 0-2 or green, yellow, red");
        }

        if (!long.TryParse(ct.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var colorTime))
        {
            throw new AuthorityInputException($"{where}: ct must be an integer (epoch seconds)");
        }

        return new DocumentRecord(DocRefOf(number, docKey, $"{where}: the number"), parsedColor, colorTime);
    }

    private sealed record ScenarioCard(string Number, string Name, string Birth, string ValidFrom, string ValidTo);
}
