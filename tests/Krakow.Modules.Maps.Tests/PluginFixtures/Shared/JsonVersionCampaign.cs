using System.Reflection;
using System.Runtime.Loader;
using Krakow.Plugins.Sdk;
using Newtonsoft.Json;

namespace Krakow.Plugins.Fixtures.Json;

/// <summary>
/// Compiled into JsonTwelve (Newtonsoft.Json 12.0.3) and JsonThirteen (Newtonsoft.Json 13.0.3): the campaign's
/// English description says which Newtonsoft.Json its code got, from which load context, and what it serialised
/// with it, so a test sees two plugins side by side each with its own version of the same third-party assembly.
/// </summary>
public sealed class JsonVersionCampaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context)
    {
        var json = typeof(JsonConvert).Assembly;
        var version = json.GetName().Version;
        var fileVersion = json.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version;
        var loadContext = AssemblyLoadContext.GetLoadContext(json)?.Name;
        var sample = JsonConvert.SerializeObject(new { plugin = context.PluginId, pluginVersion = context.Version });
        CampaignCategory[] categories = [new("shop", new("Sklep", "Shop"))];
        return new CampaignDefinition
        {
            Id = context.PluginId,
            Name = new("Kampania z Newtonsoft.Json", "A campaign using Newtonsoft.Json"),
            Description = new(
                $"Newtonsoft.Json {version} z kontekstu {loadContext}.",
                $"Newtonsoft.Json {version} (file {fileVersion}) from load context {loadContext}; serialised {sample}"),
            Window = context.Window,
            Categories = categories,
            Survey = SurveySchema.Create(categories, acceptsOfferImage: false),
            Eligibility = new(new("Kraków", "Kraków"), [new CircleArea(new(50.0614, 19.9366), 20_000)]),
        };
    }
}
