using Grpc.Core;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>
/// Runs a read-change-save of an application again when another call changed the same rows in between (the
/// application's version token, a listing's key, or an offer image another application let go of meanwhile): the
/// second attempt reads the new state and decides afresh, so two moderators approving at once get one approval and
/// one FAILED_PRECONDITION naming APPROVED.
/// </summary>
internal static class ConcurrentChanges
{
    private const int Attempts = 4;

    public static async Task<T> RetryAsync<T>(MapsDbContext db, Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation();
            }
            catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.IsUniqueViolation() || ex.IsForeignKeyViolation())
            {
                db.ChangeTracker.Clear();
                if (attempt == Attempts)
                {
                    throw new RpcException(new Status(StatusCode.Aborted, "The application kept changing while this call ran; try again."));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * Random.Shared.Next(1, 5)), cancellationToken);
            }
        }
    }
}
