using System.Security.Cryptography;
using Krakow.Modules.Maps.Application.Images;
using Krakow.Modules.Maps.Domain.Images;

namespace Krakow.Modules.Maps.Infrastructure.Images;

/// <summary>
/// Offer images as files: <c>&lt;folder&gt;/ab/abcdef…</c> by SHA-256 (the first two hex digits fan the folder out).
/// Uploads are written to <c>&lt;folder&gt;/.incoming/*.part</c> and moved into place (an atomic rename on one file
/// system) only when complete and accepted. Leftovers of uploads cut off by a crash are swept at start.
/// </summary>
internal sealed class FileImageBlobStore : IImageBlobStore
{
    private const string IncomingFolder = ".incoming";
    private static readonly TimeSpan LeftoverAge = TimeSpan.FromHours(1);

    private readonly string root;
    private readonly string incoming;

    public FileImageBlobStore(string root)
    {
        this.root = root;
        incoming = Path.Combine(root, IncomingFolder);
        Directory.CreateDirectory(incoming);
        SweepLeftovers();
    }

    public IPendingImage BeginWrite() => new PendingFile(this, Path.Combine(incoming, Guid.NewGuid().ToString("N") + ".part"));

    public Stream? OpenRead(string imageId)
    {
        if (!ImageId.IsValid(imageId))
        {
            return null;
        }

        try
        {
            return new FileStream(PathOf(imageId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Delete(string imageId)
    {
        if (ImageId.IsValid(imageId))
        {
            File.Delete(PathOf(imageId));
        }
    }

    private string PathOf(string imageId) => Path.Combine(root, imageId[..2], imageId);

    private void SweepLeftovers()
    {
        foreach (var file in Directory.EnumerateFiles(incoming, "*.part"))
        {
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > LeftoverAge)
                {
                    File.Delete(file);
                }
            }
            catch (IOException)
            {
                // Another instance is sweeping (or writing) it.
            }
        }
    }

    private sealed class PendingFile(FileImageBlobStore store, string path) : IPendingImage
    {
        private readonly FileStream file = new(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous);
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private bool closed;

        public long Length { get; private set; }

        public Stream Content => file;

        public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            file.Position = Length;
            await file.WriteAsync(data, cancellationToken);
            hash.AppendData(data.Span);
            Length += data.Length;
        }

        public string ComputeId() => ImageId.FromHash(hash.GetCurrentHash());

        public async Task CommitAsync(string imageId, CancellationToken cancellationToken)
        {
            if (!closed)
            {
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
                await file.DisposeAsync();
                closed = true;
            }

            var target = store.PathOf(imageId);
            if (File.Exists(target) || !File.Exists(path))
            {
                // The same bytes are stored already (content addressing), or ours are: keep what is there, and
                // ours until disposed, in case that image is let go before this one is saved.
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.Move(path, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // Stored by another upload of the same bytes in the meantime.
            }
        }

        public async ValueTask DisposeAsync()
        {
            hash.Dispose();
            await file.DisposeAsync();
            File.Delete(path);
        }
    }
}
