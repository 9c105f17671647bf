using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Krakow.Maps.V1;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// One host, one plugins directory full of broken plugins beside the three shipped ones and well-behaved fixtures:
/// every bad plugin is refused with its reason (in /readyz and once in the logs), nothing else is affected, and the
/// host starts and serves.
/// </summary>
public sealed class BadPluginsTests(BadPluginsTests.Host fixture) : IClassFixture<BadPluginsTests.Host>
{
    /// <summary>Refused folders beside <see cref="Cases"/>: the duplicate in the additional directory, and missing-data-file.</summary>
    private const int OtherRefusals = 2;

    /// <summary>Folder in the main directory → expected state and fragments of the reason.</summary>
    public static TheoryData<string, string, string[]> Cases() => new()
    {
        { "no-manifest", "Failed", ["no plugin.json in the plugin folder"] },
        { "escapes-folder", "Failed", ["entryAssembly '../Krakow.Plugins.Fixtures.Misbehaving.dll' must be a plain file name inside the plugin's folder"] },
        { "absolute-path", "Failed", ["entryAssembly '/tmp/x.dll' must be a plain file name"] },
        { "missing-assembly", "Failed", ["Krakow.Plugins.Missing.dll does not exist in the plugin's folder"] },
        { "empty-assembly", "Failed", ["Krakow.Plugins.Empty.dll is empty (0 bytes)"] },
        { "text-assembly", "Failed", ["Krakow.Plugins.Text.dll is not a .NET assembly"] },
        { "future-api", "Incompatible", ["the plugin supports plugin API 2–3; this host implements plugin API 1"] },
        { "forbidden-reference", "Failed", ["references Krakow.BuildingBlocks, a platform assembly plugins may not use"] },
        { "describe-throws", "Failed", ["Describe threw System.InvalidOperationException: the fixture's Describe always throws"] },
        { "describe-hangs", "Failed", ["did not return within 2 s"] },
        { "constructor-throws", "Failed", ["creating Krakow.Plugins.Fixtures.Misbehaving.ThrowingConstructorCampaign threw System.NotSupportedException"] },
        { "other-id", "Failed", ["campaign id 'im-active' must equal the manifest's id 'other-id'"] },
        {
            "invalid-campaign", "Failed",
            ["survey field 'colour' appears twice", "a polygon needs 3 to 10000 vertices, not 2", "survey field 'photo' is an image and cannot be required", "does not accept offer images"]
        },
        { "foreign-area", "Failed", ["ForeignAreaCampaign+EverywhereArea is not one the platform knows"] },
        { "not-a-plugin", "Failed", ["does not implement Krakow.Plugins.Sdk.ICampaignPlugin of the host's plugin SDK"] },
        { "missing-type", "Failed", ["entry type Krakow.Plugins.Fixtures.Misbehaving.Nowhere is not in Krakow.Plugins.Fixtures.Misbehaving.dll"] },
        { "not-json", "Failed", ["plugin.json is not valid JSON"] },
        { "huge-manifest", "Failed", ["at most 65536 are read"] },
        { "duplicate-key", "Failed", ["plugin.json is not valid JSON"] },
        {
            "bad-manifest", "Failed",
            ["id 'someone-else' must equal the plugin folder's name 'bad-manifest'", "version 'one' must be a semantic version", "window.endsAt", "must be after window.startsAt", "unknown property 'entrypoint'"]
        },
        { "no-offset", "Failed", ["window.startsAt must be an ISO 8601 date and time with an offset"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_bad_plugin_is_refused_with_its_reason(string folder, string state, string[] reasons)
    {
        var entry = fixture.Ready.For(folder);
        entry.State.ShouldBe(state);
        entry.CampaignId.ShouldBeNull();
        foreach (var reason in reasons)
        {
            entry.Reason.ShouldNotBeNull().ShouldContain(reason, Case.Sensitive);
        }

        // Logged once, as an error (failed) or a warning (incompatible), naming the folder.
        var logged = fixture.Logs.Where(e => e.Message.Contains($" in {fixture.Plugins.PathOf(folder)} ", StringComparison.Ordinal)).ToArray();
        logged.ShouldHaveSingleItem().Level.ShouldBe(state == "Failed" ? LogLevel.Error : LogLevel.Warning);
        logged[0].Message.ShouldContain(entry.Reason!);
    }

    [Fact]
    public void A_second_plugin_claiming_a_loaded_campaign_id_is_refused()
    {
        // The same folder name in the additional directory is reported apart, named by that directory's setting.
        var duplicate = fixture.Ready.For("Maps:AdditionalPluginsDirectories:0/gastronomy");
        duplicate.State.ShouldBe("Failed");
        duplicate.Reason.ShouldBe("campaign id gastronomy is already provided by plugin gastronomy (gastronomy)");
        fixture.Ready.For("gastronomy").State.ShouldBe("Loaded");
    }

    [Fact]
    public void A_reason_holding_a_path_names_the_file_within_the_plugin_folder_only()
    {
        // The plugin's exception names the file's full path in the shadow copy it runs from; the anonymous report
        // names it within the plugin's folder, while the operators' log keeps the full path.
        var entry = fixture.Ready.For("missing-data-file");
        entry.State.ShouldBe("Failed");
        entry.Reason.ShouldBe(
            "Krakow.Plugins.Fixtures.Misbehaving.MissingDataFileCampaign.Describe threw System.IO.FileNotFoundException: "
            + "Could not find file 'missing-data-file/campaign-data.json'.");
        fixture.Logs.ShouldContain(e => e.Message.Contains(" in " + fixture.Plugins.PathOf("missing-data-file") + " ", StringComparison.Ordinal)
            && e.Message.Contains(Path.Combine(Path.GetTempPath(), "krakow-plugins-shadow"), StringComparison.Ordinal));
    }

    [Fact]
    public void The_good_plugins_load_beside_the_bad_ones()
    {
        foreach (var folder in new[] { "im-active", "gastronomy", "christmas-online", "well-behaved", "own-sdk-copy", "bom-manifest" })
        {
            var entry = fixture.Ready.For(folder);
            entry.State.ShouldBe("Loaded", entry.Reason);
            entry.CampaignId.ShouldBe(folder);
        }

        // Hidden folders are not plugins.
        fixture.Ready.Plugins.Keys.ShouldNotContain(".hidden");
        fixture.Ready.Plugins.Count.ShouldBe(Cases().Count() + 6 + OtherRefusals);
    }

    [Fact]
    public void The_anonymous_report_names_each_folder_relative_to_its_directory_and_no_server_path()
    {
        // Every folder by its name (the additional directory's by that directory's setting), with its state.
        string[] good = ["im-active", "gastronomy", "christmas-online", "well-behaved", "own-sdk-copy", "bom-manifest"];
        string[] folders = [.. Cases().Select(row => (string)row[0]), .. good, "missing-data-file", "Maps:AdditionalPluginsDirectories:0/gastronomy"];
        fixture.Ready.Plugins.Keys.ShouldBe(folders, ignoreOrder: true);
        foreach (var row in Cases())
        {
            fixture.Ready.For((string)row[0]).State.ShouldBe((string)row[1]);
        }

        // /readyz is anonymous: no text in it (keys, descriptions, reasons) tells where the server keeps its files.
        string[] serverPaths =
        [
            fixture.Plugins.Root,
            fixture.Extra.Root,
            Path.Combine(Path.GetTempPath(), "krakow-plugins-shadow"),
            Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory),
        ];
        using var body = JsonDocument.Parse(fixture.Ready.Body);
        var texts = StringsOf(body.RootElement).ToArray();
        texts.ShouldContain(text => text.Contains("(gastronomy)", StringComparison.Ordinal), "the duplicate's reason names its holder's folder");
        foreach (var text in texts)
        {
            foreach (var serverPath in serverPaths)
            {
                text.ShouldNotContain(serverPath, Case.Sensitive);
            }
        }
    }

    [Fact]
    public async Task The_host_keeps_serving_and_reports_itself_degraded()
    {
        // Bad plugins leave the host ready (Degraded, 200) once the other checks are.
        var ready = await fixture.Server.WaitUntilReadyAsync();
        ready.HttpStatus.ShouldBe(HttpStatusCode.OK);
        ready.Status.ShouldBe("Degraded");
        fixture.Ready.PluginsStatus.ShouldBe("Degraded");
        fixture.Ready.PluginsDescription.ShouldContain(
            "campaign plugins 6 loaded: bom-manifest 1.0.0, christmas-online 1.0.0, gastronomy 1.0.0, im-active 1.0.0, own-sdk-copy 1.0.0, well-behaved 1.0.0");
        fixture.Ready.PluginsDescription.ShouldContain("future-api 1.0.0 (future-api) incompatible: the plugin supports plugin API 2–3");

        using var healthz = await fixture.Server.Web.GetAsync(new Uri("/healthz", UriKind.Relative));
        healthz.StatusCode.ShouldBe(HttpStatusCode.OK);

        var campaigns = await fixture.Server.Campaigns.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true });
        campaigns.Campaigns.Select(c => c.Id).Order(StringComparer.Ordinal)
            .ShouldBe(["bom-manifest", "christmas-online", "gastronomy", "im-active", "own-sdk-copy", "well-behaved"]);
        campaigns.Campaigns.Single(c => c.Id == "gastronomy").PluginVersion.ShouldBe("1.0.0");
    }

    [Fact]
    public void The_start_up_summary_counts_every_outcome()
    {
        var incompatible = Cases().Count(row => (string)row[1] == "Incompatible");
        var failed = Cases().Count() - incompatible + OtherRefusals;
        fixture.Logs.ShouldContain(e => e.Message.StartsWith($"Campaign plugins: 6 loaded, {incompatible} incompatible, {failed} failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_plugins_directory_the_host_runs_with_no_campaigns_and_says_why()
    {
        var nowhere = Path.Combine(Path.GetTempPath(), "krakow-no-plugins-" + Guid.NewGuid().ToString("N"));
        await using var host = await PluginTestHost.StartAsync(nowhere);

        var ready = await host.WaitUntilReadyAsync();
        ready.HttpStatus.ShouldBe(HttpStatusCode.OK);
        ready.PluginsStatus.ShouldBe("Degraded");
        ready.PluginsDescription.ShouldBe(
            "campaign plugins no plugins loaded; plugins directory Maps:PluginsDirectory does not exist or cannot be read; no campaign plugins in Maps:PluginsDirectory");
        ready.Body.ShouldNotContain(nowhere);
        ready.Plugins.ShouldBeEmpty();
        (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true })).Campaigns.ShouldBeEmpty();
    }

    /// <summary>Every property name and string value in a JSON document.</summary>
    private static IEnumerable<string> StringsOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(property => StringsOf(property.Value).Prepend(property.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(StringsOf),
        JsonValueKind.String => [element.GetString()!],
        _ => [],
    };

    /// <summary>Lays out the directories, starts the host once for the class, and reads /readyz.</summary>
    public sealed class Host : IAsyncLifetime
    {
        private const string Misbehaving = PluginDirectory.MisbehavingFixture;

        internal PluginDirectory Plugins { get; } = new();

        /// <summary>Maps:AdditionalPluginsDirectories:0, holding a second "gastronomy".</summary>
        internal PluginDirectory Extra { get; } = new();

        internal PluginTestHost Server { get; private set; } = null!;

        internal ReadinessReport Ready { get; private set; } = null!;

        internal IReadOnlyList<LogEntry> Logs => [.. Server.Logs.Entries];

        public async Task InitializeAsync()
        {
            Plugins.CopyShipped("im-active");
            Plugins.CopyShipped("gastronomy");
            Plugins.CopyShipped("christmas-online");
            Plugins.AddFixture("well-behaved", Misbehaving, "WellBehavedCampaign");
            Extra.CopyShipped("gastronomy");

            // A plugin that carries its own copy of the SDK still gets the host's (or the host could not cast it);
            // a manifest saved with a UTF-8 byte order mark is read all the same.
            var ownSdk = Plugins.AddFixture("own-sdk-copy", Misbehaving, "WellBehavedCampaign");
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Krakow.Plugins.Sdk.dll"), Path.Combine(ownSdk, "Krakow.Plugins.Sdk.dll"));
            var bom = Plugins.AddFixture("bom-manifest", Misbehaving, "WellBehavedCampaign");
            await File.WriteAllTextAsync(Path.Combine(bom, "plugin.json"), await File.ReadAllTextAsync(Path.Combine(bom, "plugin.json")), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

            // Not even a manifest; a hidden folder is not a plugin at all.
            File.Copy(Path.Combine(PluginDirectory.FixtureOutput(Misbehaving), Misbehaving + ".dll"), Path.Combine(Plugins.AddEmptyFolder("no-manifest"), Misbehaving + ".dll"));
            Plugins.AddEmptyFolder(".hidden");

            // The manifest points outside the folder, at nothing, at an empty file, at a text file.
            Plugins.AddFixture("escapes-folder", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "../" + Misbehaving + ".dll");
            Plugins.AddFixture("absolute-path", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "/tmp/x.dll");
            Plugins.AddFixture("missing-assembly", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "Krakow.Plugins.Missing.dll");
            var empty = Plugins.AddFixture("empty-assembly", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "Krakow.Plugins.Empty.dll");
            await File.WriteAllBytesAsync(Path.Combine(empty, "Krakow.Plugins.Empty.dll"), []);
            var text = Plugins.AddFixture("text-assembly", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "Krakow.Plugins.Text.dll");
            await File.WriteAllTextAsync(Path.Combine(text, "Krakow.Plugins.Text.dll"), "This is not an assembly, only text with a .dll name.");

            // A shipped plugin whose manifest asks for a plugin API this host does not implement.
            var future = Plugins.CopyShipped("gastronomy", "future-api");
            var manifest = PluginDirectory.ReadManifest(future);
            manifest["id"] = "future-api";
            manifest["pluginApi"] = new JsonObject { ["min"] = 2, ["max"] = 3 };
            PluginDirectory.WriteManifest(future, manifest);

            // Plugin code that misbehaves, and campaigns that break the rules.
            Plugins.AddFixture("forbidden-reference", PluginDirectory.ForbiddenFixture, "ForbiddenCampaign");
            Plugins.AddFixture("describe-throws", Misbehaving, "ThrowingCampaign");
            Plugins.AddFixture("describe-hangs", Misbehaving, "HangingCampaign");
            Plugins.AddFixture("missing-data-file", Misbehaving, "MissingDataFileCampaign");
            Plugins.AddFixture("constructor-throws", Misbehaving, "ThrowingConstructorCampaign");
            Plugins.AddFixture("other-id", Misbehaving, "OtherIdCampaign");
            Plugins.AddFixture("invalid-campaign", Misbehaving, "InvalidCampaign");
            Plugins.AddFixture("foreign-area", Misbehaving, "ForeignAreaCampaign");
            Plugins.AddFixture("not-a-plugin", Misbehaving, "NotAPlugin");
            Plugins.AddFixture("missing-type", Misbehaving, "Nowhere");

            // Manifests that are not JSON, too large, ambiguous, or break several rules at once.
            var notJson = Plugins.AddFixture("not-json", Misbehaving, "WellBehavedCampaign");
            await File.WriteAllTextAsync(Path.Combine(notJson, "plugin.json"), "{ \"id\": \"not-json\", ");
            Plugins.AddFixture("huge-manifest", Misbehaving, "WellBehavedCampaign", m => m["notes"] = new string('x', 70_000));
            var duplicateKey = Plugins.AddFixture("duplicate-key", Misbehaving, "WellBehavedCampaign");
            var json = await File.ReadAllTextAsync(Path.Combine(duplicateKey, "plugin.json"));
            await File.WriteAllTextAsync(Path.Combine(duplicateKey, "plugin.json"), json.Replace("\"id\": \"duplicate-key\",", "\"id\": \"duplicate-key\", \"id\": \"im-active\",", StringComparison.Ordinal), Encoding.UTF8);
            Plugins.AddFixture("bad-manifest", Misbehaving, "WellBehavedCampaign", m =>
            {
                m["id"] = "someone-else";
                m["version"] = "one";
                m["window"] = new JsonObject { ["startsAt"] = "2026-12-01T00:00:00+01:00", ["endsAt"] = "2026-11-01T00:00:00+01:00" };
                m["entrypoint"] = "Main";
            });
            Plugins.AddFixture("no-offset", Misbehaving, "WellBehavedCampaign", m => m["window"] = new JsonObject { ["startsAt"] = "2026-12-01T00:00:00" });

            Server = await PluginTestHost.StartAsync(Plugins.Root, [Extra.Root], callTimeout: TimeSpan.FromSeconds(2));
            Ready = await Server.ReadyAsync();
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Plugins.Dispose();
            Extra.Dispose();
        }
    }
}
