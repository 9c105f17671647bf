using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1;
using Krakow.Maps.V1;
using Krakow.Metropolis.V1;

// krakow [--address http://127.0.0.1:5100] <command> [arguments]
var arguments = args.ToList();
var address = TakeOption(arguments, "--address") ?? "http://127.0.0.1:5100";
if (arguments.Count == 0)
{
    return Usage();
}

using var channel = GrpcChannel.ForAddress(address);
try
{
    switch (arguments[0])
    {
        case "services":
            using (var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo())
            {
                await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
                await call.RequestStream.CompleteAsync();
                await foreach (var response in call.ResponseStream.ReadAllAsync())
                {
                    foreach (var service in response.ListServicesResponse.Service)
                    {
                        Console.WriteLine(service.Name);
                    }
                }
            }

            return 0;

        case "health":
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = arguments.ElementAtOrDefault(1) ?? string.Empty });
            Console.WriteLine(health.Status);
            return 0;

        case "members":
            foreach (var member in (await new MembersRegistry.MembersRegistryClient(channel).ListMembersAsync(new ListMembersRequest { PageSize = 200 })).Members)
            {
                Console.WriteLine($"{member.Id,-12} {member.Kind,-24} {member.Name.Pl}");
            }

            return 0;

        case "campaigns":
            foreach (var campaign in (await new Campaigns.CampaignsClient(channel).ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true })).Campaigns)
            {
                var ends = campaign.Window.EndsAt is null ? "indefinite" : "until " + campaign.Window.EndsAt.ToDateTimeOffset().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                Console.WriteLine($"{campaign.Id,-18} {campaign.Status,-10} {ends,-17} {campaign.Name.En}");
            }

            return 0;

        case "nearby" when arguments.Count == 4:
            var request = new SearchNearbyRequest
            {
                Center = new GeoPoint { Latitude = ParseDouble(arguments[1]), Longitude = ParseDouble(arguments[2]) },
                RadiusMeters = ParseDouble(arguments[3]),
                View = ListingView.Basic, // name, campaign and category are all it prints
            };
            foreach (var hit in (await new Listings.ListingsClient(channel).SearchNearbyAsync(request)).Hits)
            {
                Console.WriteLine($"{hit.DistanceMeters,8:F0} m  {hit.Listing.Name}  ({hit.Listing.CampaignId}, {hit.Listing.CategoryId})");
            }

            return 0;

        default:
            return Usage();
    }
}
catch (RpcException ex)
{
    Console.Error.WriteLine($"{ex.StatusCode}: {ex.Status.Detail}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: krakow [--address http://127.0.0.1:5100] services | health [service] | members | campaigns | nearby <lat> <lon> <radius m>");
    return 64;
}

static double ParseDouble(string value) => double.Parse(value, CultureInfo.InvariantCulture);

static string? TakeOption(List<string> arguments, string name)
{
    var index = arguments.IndexOf(name);
    if (index < 0 || index + 1 >= arguments.Count)
    {
        return null;
    }

    var value = arguments[index + 1];
    arguments.RemoveRange(index, 2);
    return value;
}
