using System.Runtime.Loader;
using Grpc.Core;
using Krakow.Plugins.Fixtures.V1;
using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.Fixtures.Versioned;

/// <summary>
/// A plugin built twice from these sources (Versioned: build 1, assembly 1.0.0.0; VersionedNext: build 2, assembly
/// 2.0.0.0, same assembly name), so a test can replace one by the other in a folder. Its campaign's name and its
/// gRPC service say which build they are.
/// </summary>
public sealed class VersionedCampaign : ICampaignPlugin
{
#if VERSION_NEXT
    public const string Build = "build 2";
#else
    public const string Build = "build 1";
#endif

    public CampaignDefinition Describe(PluginContext context)
    {
        CampaignCategory[] categories = [new("shop", new("Sklep", "Shop"))];
        return new CampaignDefinition
        {
            Id = context.PluginId,
            Name = new($"Kampania wersjonowana ({Build})", $"Versioned campaign ({Build})"),
            Description = new("Kampania z testów przeładowania.", "A campaign of the reload tests."),
            Window = context.Window,
            Categories = categories,
            Survey = SurveySchema.Create(categories, acceptsOfferImage: false),
            Eligibility = new(new("Kraków", "Kraków"), [new CircleArea(new(50.0614, 19.9366), 20_000)]),
        };
    }

    public IReadOnlyList<PluginGrpcService> GrpcServices(PluginContext context) =>
        [new PluginGrpcService(typeof(VersionedService), () => new VersionedService(context.Version))];
}

/// <summary>krakow.plugins.fixtures.v1.Versioned.</summary>
public sealed class VersionedService(string pluginVersion) : V1.Versioned.VersionedBase
{
    public override async Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.DelayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(request.DelayMs, 30_000)), context.CancellationToken);
        }

        return Answer();
    }

    public override async Task<WhoAmIResponse> Hold(IAsyncStreamReader<HoldRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        while (await requestStream.MoveNext(context.CancellationToken))
        {
        }

        return Answer();
    }

    private WhoAmIResponse Answer() =>
        new()
        {
            Build = VersionedCampaign.Build,
            PluginVersion = pluginVersion,
            AssemblyVersion = typeof(VersionedService).Assembly.GetName().Version?.ToString() ?? string.Empty,
            LoadContext = AssemblyLoadContext.GetLoadContext(typeof(VersionedService).Assembly)?.Name ?? string.Empty,
        };
}
