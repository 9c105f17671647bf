using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Infrastructure.Plugins;
using Microsoft.AspNetCore.Authorization;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Plugins;

/// <summary>
/// krakow.maps.v1.PluginAdministration, for administrators only (the API-key handler answers anonymous callers
/// UNAUTHENTICATED and other roles PERMISSION_DENIED): the plugin registry's records, and a forced reload.
/// </summary>
[Authorize(Policy = PlatformRoles.AdministratorPolicy)]
internal sealed class PluginAdministrationService(PluginRegistry registry) : V1.PluginAdministration.PluginAdministrationBase
{
    public override Task<V1.ListPluginsResponse> ListPlugins(V1.ListPluginsRequest request, ServerCallContext context)
    {
        var state = registry.Current;
        var directories = registry.Directories;
        var response = new V1.ListPluginsResponse();
        response.Plugins.Add(state.Records
            .OrderBy(r => DirectoryIndex(directories, r.Folder))
            .ThenBy(r => r.FolderName, StringComparer.Ordinal)
            .Select(ToProto));
        response.MissingDirectories.Add(state.MissingDirectories);
        return Task.FromResult(response);
    }

    public override async Task<V1.Plugin> ReloadPlugin(V1.ReloadPluginRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequireId(request.Id, "id");
        violations.ThrowIfAny();

        var entry = registry.FindById(request.Id)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No plugin with id '{request.Id}'."));
        if (!Directory.Exists(entry.Record.Folder))
        {
            await registry.RemoveFolderAsync(entry.Record.Folder, context.CancellationToken);
            throw new RpcException(new Status(StatusCode.NotFound, $"The folder of plugin '{request.Id}' is gone; the plugin was unloaded."));
        }

        return ToProto(await registry.LoadAsync(entry.Record.Folder, context.CancellationToken));
    }

    private static int DirectoryIndex(IReadOnlyList<string> directories, string folder)
    {
        var parent = Path.GetDirectoryName(folder);
        for (var i = 0; i < directories.Count; i++)
        {
            if (string.Equals(Path.TrimEndingDirectorySeparator(directories[i]), parent, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return directories.Count;
    }

    private static V1.Plugin ToProto(PluginRecord record)
    {
        var plugin = new V1.Plugin
        {
            Id = record.Id ?? string.Empty,
            Version = record.Version ?? string.Empty,
            FolderName = record.FolderName,
            Folder = record.Folder,
            State = ToProto(record.State),
            Reason = record.Reason ?? string.Empty,
            RecordedAt = Timestamp.FromDateTimeOffset(record.RecordedAt),
            CampaignId = record.CampaignId ?? string.Empty,
            Name = record.Name ?? string.Empty,
        };
        if (record.LoadedAt is { } loadedAt)
        {
            plugin.LoadedAt = Timestamp.FromDateTimeOffset(loadedAt);
        }

        plugin.GrpcServices.Add(record.GrpcServices ?? []);
        if (record.ReloadFailure is { } failure)
        {
            plugin.LastReloadFailure = new V1.PluginReloadFailure
            {
                Version = failure.Version ?? string.Empty,
                State = ToProto(failure.State),
                Reason = failure.Reason,
                FailedAt = Timestamp.FromDateTimeOffset(failure.FailedAt),
            };
        }

        return plugin;
    }

    private static V1.PluginState ToProto(PluginState state) => state switch
    {
        PluginState.Loaded => V1.PluginState.Loaded,
        PluginState.Incompatible => V1.PluginState.Incompatible,
        PluginState.Failed => V1.PluginState.Failed,
        _ => V1.PluginState.Unspecified,
    };
}
