namespace Krakow.Modules.Violating.Contracts;

/// <summary>EF Core appears nowhere but in the constraint of <typeparamref name="TStore"/>.</summary>
public interface IViolatingQueries
{
    Task<int> CountAsync<TStore>(CancellationToken cancellationToken)
        where TStore : Microsoft.EntityFrameworkCore.DbContext;
}
