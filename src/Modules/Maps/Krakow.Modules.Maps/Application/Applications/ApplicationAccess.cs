using Grpc.Core;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>
/// Finds an application for its applicant, who proves ownership with the edit token. An unknown id, a missing
/// token and a wrong token all get the same NOT_FOUND answer, so nobody can learn which applications exist.
/// </summary>
internal sealed class ApplicationAccess(MapsDbContext db)
{
    public const string NotFoundMessage = "No application matches this application_id and edit_token.";

    public async Task<MapApplication> FindAsync(string applicationId, string editToken, CancellationToken cancellationToken)
    {
        var application = applicationId.Length is > 0 and <= 64
            ? await db.Applications.FirstOrDefaultAsync(a => a.Id == applicationId, cancellationToken)
            : null;
        if (!EditTokens.Matches(editToken, application?.EditTokenHash))
        {
            throw new RpcException(new Status(StatusCode.NotFound, NotFoundMessage));
        }

        return application!;
    }
}
