using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Krakow.BuildingBlocks.Persistence.Internal;

/// <summary>
/// Caches a module's model per context type, provider and schema: the same context type builds different names
/// for SQLite (prefixed tables) and PostgreSQL (a schema), and both may be in use in one process (the tests).
/// </summary>
internal sealed class ModuleModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        context is ModuleDbContext module
            ? (context.GetType(), module.Provider, module.Schema, designTime)
            : (context.GetType(), designTime);
}
