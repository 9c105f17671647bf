using System.Globalization;
using System.Text.Json;
using Krakow.Host.Tests.Infrastructure;
using Krakow.Tests.Shared;
using Shouldly;

namespace Krakow.Host.Tests.Partners;

/// <summary>
/// A partner municipality's portal in another language, on libraries nobody here wrote, with the platform's .proto
/// files as shipped: Node's @grpc/grpc-js loading them with @grpc/proto-loader, and Python's grpcio (the gRPC
/// C-core) with stubs grpc_tools.protoc generates (tests/Interop/clients/*/partner_portal.*). Each runs against the
/// real host and reports what it saw, in the same shape; this test judges the report.
/// </summary>
public sealed class PartnerPortalTests
{
    [Theory]
    [InlineData("node")]
    [InlineData("python")]
    public async Task A_portal_with_the_protos_as_shipped_signs_applies_and_exports_and_reads_every_refusal(string language)
    {
        await using var host = await PlatformHost.StartAsync();
        (string Program, string Script) client = language == "node" ? ("node", "partner_portal.js") : ("/usr/bin/python3", "partner_portal.py");

        var (exitCode, output) = await ExternalProcess.RunAsync(
            client.Program,
            [
                client.Script, "--address", "127.0.0.1:" + host.GrpcPort.ToString(CultureInfo.InvariantCulture),
                "--api-key", TestApiKeys.Krakow, "--municipality", "1261011", "--other-municipality", TestApiKeys.ZielonkiTeryt,
            ],
            Path.Combine(RepositoryPaths.InteropClients, language),
            TimeSpan.FromSeconds(120));

        exitCode.ShouldBe(0, output);
        using var document = JsonDocument.Parse(output);
        var report = document.RootElement;

        Strings(report.GetProperty("members")).ShouldContain("1261011");
        Refusal(report.GetProperty("members_with_revoked_key")).ShouldBe(("UNAUTHENTICATED", "The API key is not valid: it is unknown or has been revoked.", ""));
        report.GetProperty("declaration").GetString().ShouldBe("supra-local-cooperation");
        var signed = report.GetProperty("signed");
        signed.GetProperty("municipality").GetString().ShouldBe("1261011");
        signed.GetProperty("has_time").GetBoolean().ShouldBeTrue();
        Strings(report.GetProperty("signatories")).ShouldBe(["1261011"]);
        Refusal(report.GetProperty("sign_for_another")).Code.ShouldBe("PERMISSION_DENIED");
        Refusal(report.GetProperty("sign_anonymously")).ShouldBe(("UNAUTHENTICATED", "A valid API key is required (authorization: Bearer <key>).", ""));
        var nothing = Refusal(report.GetProperty("sign_nothing"));
        nothing.Code.ShouldBe("INVALID_ARGUMENT");
        nothing.Violations.ShouldBe("declaration_id, municipality_id, signed_by");

        var campaigns = report.GetProperty("campaigns").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        campaigns.Keys.ShouldBe(["christmas-online", "gastronomy", "im-active", "renovation-pact"], ignoreOrder: true);
        campaigns["im-active"].GetProperty("status").GetString().ShouldBe("CAMPAIGN_STATUS_OPEN");
        campaigns["im-active"].GetProperty("survey_fields").GetInt32().ShouldBeGreaterThan(0);

        var application = report.GetProperty("application");
        application.GetProperty("status").GetString().ShouldBe("APPLICATION_STATUS_SUBMITTED");
        application.GetProperty("retried_same").GetBoolean().ShouldBeTrue("a retry with the same idempotency key gets the same application");
        application.GetProperty("fetched_name").GetString().ShouldBe("Rękodzieło Małopolskie");
        Refusal(application.GetProperty("update_with_bad_email")).ShouldBe(
            ("INVALID_ARGUMENT", "answers.email: must be an e-mail address such as biuro@example.pl", "answers.email"));
        Refusal(application.GetProperty("forged_token")).ShouldBe(("NOT_FOUND", "No application matches this application_id and edit_token.", ""));

        report.GetProperty("nearby").GetProperty("hits").GetInt32().ShouldBe(0, "nothing is listed before a moderator approves it");
        var export = report.GetProperty("export");
        export.GetProperty("type").GetString().ShouldBe("FeatureCollection");
        export.GetProperty("features").GetInt32().ShouldBe(0);
        Refusal(report.GetProperty("export_unknown")).ShouldBe(("NOT_FOUND", "No campaign with id 'no-such-campaign'.", ""));
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    /// <summary>A refusal as the portal reported it: the status name, the message and the fields of a BadRequest (sorted, comma-separated).</summary>
    private static (string Code, string Message, string Violations) Refusal(JsonElement error)
    {
        error.ValueKind.ShouldBe(JsonValueKind.Object, "the call was expected to be refused");
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!, string.Join(", ", Strings(error.GetProperty("violations")).Order()));
    }
}
