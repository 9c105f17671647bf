using System.Security.Cryptography;
using Krakow.BuildingBlocks.Configuration;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Maps.Application.Applications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

/// <summary>
/// The edit-token key: <c>Maps:TokenKey</c> (base64, at least 32 bytes) when configured; otherwise a random
/// 32-byte key generated on first use and kept in the module's database (table secrets), so it survives restarts
/// and every host instance shares it. Racing first uses settle on the row that was inserted first.
/// </summary>
internal sealed class EditTokenKeyStore(byte[]? configuredKey, IServiceScopeFactory scopes) : IEditTokenKey
{
    public const string ConfigurationKey = "Maps:TokenKey";
    private const string SecretName = "edit-token-key";
    private const int MinKeyBytes = 32;

    private readonly SemaphoreSlim loading = new(1, 1);
    private byte[]? key = configuredKey;

    /// <summary>The configured key, or null when none is set; a malformed one stops start-up naming the setting.</summary>
    public static byte[]? ReadConfiguredKey(IConfiguration configuration)
    {
        var value = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            throw new PlatformConfigurationException(ConfigurationKey, "must be base64 (of at least 32 random bytes)");
        }

        return bytes.Length >= MinKeyBytes
            ? bytes
            : throw new PlatformConfigurationException(ConfigurationKey, $"must hold at least {MinKeyBytes} bytes, not {bytes.Length}");
    }

    public async ValueTask<byte[]> GetAsync(CancellationToken cancellationToken)
    {
        if (key is { } known)
        {
            return known;
        }

        await loading.WaitAsync(cancellationToken);
        try
        {
            return key ??= await LoadOrCreateAsync(cancellationToken);
        }
        finally
        {
            loading.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();
        var stored = await db.Secrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == SecretName, cancellationToken);
        if (stored is not null)
        {
            return stored.Value;
        }

        db.Secrets.Add(new ModuleSecret { Name = SecretName, Value = RandomNumberGenerator.GetBytes(MinKeyBytes), CreatedAt = DateTime.UtcNow });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another instance generated it a moment ago: use theirs.
        }

        db.ChangeTracker.Clear();
        return (await db.Secrets.AsNoTracking().FirstAsync(s => s.Name == SecretName, cancellationToken)).Value;
    }
}
