using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Cose;
using HealthCode.Formats;
using HealthCode.Formats.Feed;

namespace HealthCode.Authority;

/// <summary>
/// A manifest folder (color-feed.md, "A province"): <c>manifest.cose</c> and <c>part-{i}.cbor</c>, i in decimal from 0.
/// Opened to be published: the manifest is decoded (the tool does not hold the pinned key, so its signature is the
/// kiosk's to check) and every part is checked against it before anything is sent.
/// </summary>
internal sealed class ManifestFolder
{
    public const string ManifestFile = "manifest.cose";

    private ManifestFolder(string path, byte[] manifestBytes, ManifestMessage manifest)
    {
        Path = path;
        ManifestBytes = manifestBytes;
        Manifest = manifest;
    }

    public string Path { get; }

    /// <summary>The signed manifest as written.</summary>
    public byte[] ManifestBytes { get; }

    public ManifestMessage Manifest { get; }

    public static string PartPath(string folder, int index) =>
        System.IO.Path.Combine(folder, $"part-{index.ToString(CultureInfo.InvariantCulture)}.cbor");

    /// <summary>Whether the folder already holds a manifest or a part (a new manifest is never written over one).</summary>
    public static bool HoldsManifestFiles(string folder) =>
        Directory.Exists(folder)
        && (File.Exists(System.IO.Path.Combine(folder, ManifestFile)) || Directory.EnumerateFiles(folder, "part-*.cbor").Any());

    /// <exception cref="AuthorityInputException">No manifest.cose, or it is not a signed manifest.</exception>
    public static ManifestFolder Open(string folder)
    {
        var file = System.IO.Path.Combine(folder, ManifestFile);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthorityInputException($"{folder} is not a manifest folder: cannot read {ManifestFile}: {ex.Message}", ex);
        }

        ReadOnlyMemory<byte> content;
        try
        {
            content = CoseSign1Message.DecodeSign1(bytes).Content
                ?? throw new AuthorityInputException($"{file}: detached payload");
        }
        catch (CryptographicException ex)
        {
            throw new AuthorityInputException($"{file} is not a COSE_Sign1 message: {ex.Message}", ex);
        }

        var decoded = FeedCodec.DecodePayload(content);
        if (decoded.Message is not ManifestMessage manifest)
        {
            throw new AuthorityInputException($"{file} is not a manifest: {decoded.Error ?? FeedMessageType.Of(decoded.Message!)}");
        }

        return new ManifestFolder(folder, bytes, manifest);
    }

    /// <summary>Every part: present, its hash the manifest's, well-formed, in order, and the totals the manifest's. One part in memory at a time.</summary>
    /// <exception cref="AuthorityInputException">The first thing that is wrong.</exception>
    public void Verify()
    {
        var checker = new ManifestPartChecker(Manifest);
        for (var i = 0; i < Manifest.PartHashes.Count; i++)
        {
            var decoded = FeedPart.Decode(ReadPart(i));
            if (decoded.Part is not { } part)
            {
                throw new AuthorityInputException($"{PartPath(Path, i)}: {decoded.Error}");
            }

            if (checker.Check(part, i) is { } error)
            {
                throw new AuthorityInputException($"{Path}: {error}");
            }
        }

        if (checker.Complete(Manifest.PartHashes.Count) is { } incomplete)
        {
            throw new AuthorityInputException($"{Path}: {incomplete}");
        }
    }

    /// <summary>The exact bytes of part <paramref name="index"/>, checked against the manifest's hash.</summary>
    public byte[] ReadPart(int index)
    {
        var file = PartPath(Path, index);
        byte[] bytes;
        try
        {
            var info = new FileInfo(file);
            if (info.Exists && info.Length > FeedPart.MaxBytes)
            {
                throw new AuthorityInputException($"{file}: {info.Length} bytes exceeds the limit of {FeedPart.MaxBytes}");
            }

            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuthorityInputException($"{Path}: part {index} of {Manifest.PartHashes.Count} cannot be read: {ex.Message}", ex);
        }

        if (!FeedPart.Matches(bytes, Manifest.PartHashes[index]))
        {
            throw new AuthorityInputException($"{file}: its SHA-256 is not the manifest's");
        }

        return bytes;
    }
}
