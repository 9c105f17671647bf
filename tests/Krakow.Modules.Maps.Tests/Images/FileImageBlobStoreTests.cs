using System.Security.Cryptography;
using Krakow.Modules.Maps.Infrastructure.Images;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Images;

/// <summary>The blob folder's contract with an upload: content addressing, and nothing left behind.</summary>
public sealed class FileImageBlobStoreTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "krakow-blobs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Bytes_let_go_between_an_uploads_two_commits_are_put_back_from_its_own_copy()
    {
        var store = new FileImageBlobStore(folder);
        var bytes = RandomNumberGenerator.GetBytes(10_000);
        var imageId = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await StoreAsync(store, bytes);

        await using (var second = store.BeginWrite())
        {
            await second.WriteAsync(bytes, CancellationToken.None);
            await second.CommitAsync(imageId, CancellationToken.None);
            store.Delete(imageId); // another application let the same bytes go before this upload's row was saved
            await second.CommitAsync(imageId, CancellationToken.None);
        }

        await using var stored = store.OpenRead(imageId).ShouldNotBeNull();
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        copy.ToArray().ShouldBe(bytes);
        Directory.EnumerateFiles(Path.Combine(folder, ".incoming")).ShouldBeEmpty("no upload's copy outlives it");
    }

    [Fact]
    public async Task An_upload_disposed_without_commit_leaves_nothing()
    {
        var store = new FileImageBlobStore(folder);

        await using (var abandoned = store.BeginWrite())
        {
            await abandoned.WriteAsync(RandomNumberGenerator.GetBytes(100), CancellationToken.None);
        }

        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    private static async Task StoreAsync(FileImageBlobStore store, byte[] bytes)
    {
        await using var pending = store.BeginWrite();
        await pending.WriteAsync(bytes, CancellationToken.None);
        await pending.CommitAsync(pending.ComputeId(), CancellationToken.None);
    }
}
