namespace Krakow.Modules.Maps.Application.Images;

/// <summary>
/// Where offer images' bytes live, outside the database, by content address. New bytes go to a private temporary
/// file first and appear under their address only once complete and accepted, so nothing half-written is ever
/// served.
/// </summary>
internal interface IImageBlobStore
{
    IPendingImage BeginWrite();

    /// <summary>The stored image's bytes, or null.</summary>
    Stream? OpenRead(string imageId);

    /// <summary>Deletes the stored image, if there is one (readers that have it open keep reading).</summary>
    void Delete(string imageId);
}

/// <summary>An image being received. Disposing it deletes what was written and not put in place.</summary>
internal interface IPendingImage : IAsyncDisposable
{
    long Length { get; }

    Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>The bytes written so far, to read back (the position is the caller's).</summary>
    Stream Content { get; }

    /// <summary>SHA-256 of everything written, lower-case hex: the image's id.</summary>
    string ComputeId();

    /// <summary>
    /// Puts the bytes under <paramref name="imageId"/>, keeping an identical image already there. Call it again once
    /// the image's row is saved: it puts the bytes back if that identical image was let go meanwhile.
    /// </summary>
    Task CommitAsync(string imageId, CancellationToken cancellationToken);
}
