using System.Net;
using System.Security.Cryptography;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Images.ImageUploads;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.Images;

/// <summary>Offer images: recognised by content, limited in bytes and pixels, uploaded in order, stored whole or not at all.</summary>
public sealed class OfferImageTests : IAsyncLifetime
{
    private MapsHost host = null!;
    private SubmitApplicationResponse christmas = null!;

    public async Task InitializeAsync()
    {
        host = await MapsHost.StartAsync();
        christmas = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Christmas, "gifts", "Bombki z Krakowa"));
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private string Id => christmas.Application.Id;

    private string Token => christmas.EditToken;

    private string ImagesFolder => Path.Combine(host.DataFolder, "images");

    public static TheoryData<string, byte[], string, int, int> Images() => new()
    {
        { "png", TestImages.Png(640, 480, totalSize: 40_000), "image/png", 640, 480 },
        { "jpeg", TestImages.Jpeg(1024, 768), "image/jpeg", 1024, 768 },
        { "webp-lossless", TestImages.WebPLossless(300, 200), "image/webp", 300, 200 },
        { "webp-lossy", TestImages.WebPLossy(4096, 2048), "image/webp", 4096, 2048 },
        { "webp-extended", TestImages.WebPExtended(1200, 900), "image/webp", 1200, 900 },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public async Task An_image_is_recognised_by_its_content_and_attached_to_the_application(string name, byte[] image, string contentType, int width, int height)
    {
        var stored = await UploadAsync(host, Id, Token, image, chunkSize: 7_000);

        stored.ImageId.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(image)), name);
        stored.ContentType.ShouldBe(contentType);
        (stored.Width, stored.Height, stored.Size).ShouldBe((width, height, image.Length));
        stored.UrlPath.ShouldBe("/maps/images/" + stored.ImageId);
        var application = await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = Id, EditToken = Token });
        application.OfferImageId.ShouldBe(stored.ImageId);
        application.Answers["offer_image"].ImageId.ShouldBe(stored.ImageId);
        File.ReadAllBytes(Path.Combine(ImagesFolder, stored.ImageId[..2], stored.ImageId)).ShouldBe(image);
    }

    [Fact]
    public async Task The_image_is_shown_on_the_listings_and_served_back_in_chunks_and_over_http()
    {
        var image = TestImages.Png(800, 600, totalSize: 200_000);
        var stored = await UploadAsync(host, Id, Token, image);
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = Id }, TestApiKeys.As(TestApiKeys.Moderator));

        (await host.ListingsOfAsync(Id)).ShouldHaveSingleItem().OfferImageId.ShouldBe(stored.ImageId);

        using var download = host.Applications.GetOfferImage(new GetOfferImageRequest { ImageId = stored.ImageId });
        var chunks = new List<OfferImageChunk>();
        await foreach (var chunk in download.ResponseStream.ReadAllAsync())
        {
            chunks.Add(chunk);
        }

        chunks.Count.ShouldBeGreaterThan(1);
        chunks[0].Image.ShouldBe(stored);
        chunks.SelectMany(c => c.Data.ToByteArray()).ToArray().ShouldBe(image);

        using var response = await host.Web.GetAsync(stored.UrlPath);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        response.Content.Headers.ContentLength.ShouldBe(image.Length);
        response.Headers.CacheControl!.ToString().ShouldBe("public, max-age=31536000, immutable");
        response.Headers.ETag!.Tag.ShouldBe($"\"{stored.ImageId}\"");
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(image);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, stored.UrlPath);
        conditional.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{stored.ImageId}\""));
        using var notModified = await host.Web.SendAsync(conditional);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Unknown_and_malformed_image_ids_are_404_and_400()
    {
        using var unknown = await host.Web.GetAsync("/maps/images/" + new string('0', 64));
        using var malformed = await host.Web.GetAsync("/maps/images/not-a-hash");
        using var upperCase = await host.Web.GetAsync("/maps/images/" + new string('A', 64));
        var grpcUnknown = await Should.ThrowAsync<RpcException>(() => ReadAllAsync(new string('0', 64)));
        var grpcMalformed = await Should.ThrowAsync<RpcException>(() => ReadAllAsync("../../etc/passwd"));

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        upperCase.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        grpcUnknown.StatusCode.ShouldBe(StatusCode.NotFound);
        grpcMalformed.StatusCode.ShouldBe(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task Text_named_like_a_png_is_refused_as_soon_as_its_first_bytes_arrive()
    {
        var text = TestImages.TextPretendingToBePng();

        var error = await Should.ThrowAsync<RpcException>(() => UploadAsync(host, Id, Token, text));

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(error).ShouldBe(["chunk.data"]);
        RpcErrors.DescriptionOf(error, "chunk.data").ShouldStartWith("The image is not a PNG, JPEG or WebP image");
        NothingStored();
    }

    [Fact]
    public async Task A_declared_size_over_the_limit_is_refused_before_any_byte_is_read()
    {
        var error = await Should.ThrowAsync<RpcException>(() => SendAsync(host, [Header(Id, Token, 6 * 1024 * 1024)]));

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(error).ShouldBe(["header.total_size"]);
        RpcErrors.DescriptionOf(error, "header.total_size").ShouldBe("is 6291456 bytes; offer images may be at most 5242880 bytes");
    }

    [Fact]
    public async Task Bytes_beyond_the_declared_size_are_refused_at_the_first_byte_too_many()
    {
        var image = TestImages.Png(100, 100, totalSize: 3_000);

        var error = await Should.ThrowAsync<RpcException>(() => SendAsync(host, InChunks(Id, Token, image, chunkSize: 1_000, declaredSize: 2_000)));

        RpcErrors.FieldsOf(error).ShouldBe(["chunk.data"]);
        RpcErrors.DescriptionOf(error, "chunk.data").ShouldBe("runs past the declared total_size of 2000 bytes");
        NothingStored();
    }

    [Fact]
    public async Task A_real_upload_over_the_limit_is_refused_even_when_the_declared_size_lies()
    {
        var image = TestImages.Png(100, 100, totalSize: 5 * 1024 * 1024 + 1);

        var error = await Should.ThrowAsync<RpcException>(() => SendAsync(host, InChunks(Id, Token, image, chunkSize: 512 * 1024, declaredSize: 1024)));

        RpcErrors.FieldsOf(error).ShouldBe(["chunk.data"]);
        NothingStored();
    }

    [Fact]
    public async Task An_image_larger_than_4096_pixels_a_side_is_refused_from_its_header()
    {
        var error = await Should.ThrowAsync<RpcException>(() => UploadAsync(host, Id, Token, TestImages.Png(5000, 5000)));
        var tall = await Should.ThrowAsync<RpcException>(() => UploadAsync(host, Id, Token, TestImages.Jpeg(100, 4097)));

        RpcErrors.DescriptionOf(error, "chunk.data").ShouldBe("The image is 5000×5000 px; images may be at most 4096 px a side");
        RpcErrors.DescriptionOf(tall, "chunk.data").ShouldBe("The image is 100×4097 px; images may be at most 4096 px a side");
        NothingStored();
    }

    [Fact]
    public async Task Chunks_out_of_order_with_gaps_or_overlaps_are_refused()
    {
        var image = TestImages.Png(100, 100, totalSize: 3_000);

        var gap = await Should.ThrowAsync<RpcException>(() => SendAsync(host, [Header(Id, Token, 3_000), Chunk(image, 0, 1_000), Chunk(image, 2_000, 1_000)]));
        var overlap = await Should.ThrowAsync<RpcException>(() => SendAsync(host, [Header(Id, Token, 3_000), Chunk(image, 0, 1_000), Chunk(image, 500, 1_000)]));
        var noHeader = await Should.ThrowAsync<RpcException>(() => SendAsync(host, [Chunk(image, 0, 1_000)]));
        var twoHeaders = await Should.ThrowAsync<RpcException>(() => SendAsync(host, [Header(Id, Token, 3_000), Chunk(image, 0, 1_000), Header(Id, Token, 3_000)]));
        var truncated = await Should.ThrowAsync<RpcException>(() => SendAsync(host, [Header(Id, Token, 3_000), Chunk(image, 0, 1_000)]));

        RpcErrors.DescriptionOf(gap, "chunk.offset").ShouldBe("is 2000, but the next chunk must start at offset 1000: chunks come in order, without gaps or overlaps");
        RpcErrors.FieldsOf(overlap).ShouldBe(["chunk.offset"]);
        RpcErrors.FieldsOf(noHeader).ShouldBe(["header"]);
        RpcErrors.FieldsOf(twoHeaders).ShouldBe(["chunk"]);
        RpcErrors.DescriptionOf(truncated, "header.total_size").ShouldBe("declares 3000 bytes, but the upload ended after 1000");
        NothingStored();
    }

    [Fact]
    public async Task Only_the_applicant_may_upload_and_only_where_the_campaign_accepts_images()
    {
        var imActive = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail"));
        var image = TestImages.Png(64, 64);

        var wrongToken = await Should.ThrowAsync<RpcException>(() => UploadAsync(host, Id, "guessed", image));
        var notAccepted = await Should.ThrowAsync<RpcException>(() => UploadAsync(host, imActive.Application.Id, imActive.EditToken, image));

        wrongToken.StatusCode.ShouldBe(StatusCode.NotFound);
        notAccepted.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        notAccepted.Status.Detail.ShouldBe("Campaign 'im-active' does not accept offer images.");
        NothingStored();
    }

    [Fact]
    public async Task An_image_answer_may_name_only_an_image_uploaded_to_the_same_application()
    {
        var other = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Christmas, "handicrafts", "Szopki"));
        var theirs = await UploadAsync(host, other.Application.Id, other.EditToken, TestImages.Jpeg(300, 300));
        var mine = await UploadAsync(host, Id, Token, TestImages.Png(300, 300));

        var update = new UpdateApplicationRequest { ApplicationId = Id, EditToken = Token };
        update.Answers.Add(StandardAnswers("gifts", "Bombki z Krakowa"));
        update.Answers["offer_image"] = Image(theirs.ImageId);
        var borrowed = await Should.ThrowAsync<RpcException>(() => host.Applications.UpdateApplicationAsync(update).ResponseAsync);
        update.Answers["offer_image"] = Image(mine.ImageId);
        var own = await host.Applications.UpdateApplicationAsync(update);

        RpcErrors.FieldsOf(borrowed).ShouldBe(["answers.offer_image"]);
        own.OfferImageId.ShouldBe(mine.ImageId);
    }

    [Fact]
    public async Task The_same_image_uploaded_twice_is_stored_once()
    {
        var image = TestImages.WebPLossless(500, 500);
        var other = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Christmas, "handicrafts", "Szopki"));

        var first = await UploadAsync(host, Id, Token, image);
        var second = await UploadAsync(host, other.Application.Id, other.EditToken, image);

        second.ImageId.ShouldBe(first.ImageId);
        Directory.EnumerateFiles(ImagesFolder, "*", SearchOption.AllDirectories).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_replaced_image_is_let_go_unless_another_application_shows_the_same_bytes()
    {
        var first = await UploadAsync(host, Id, Token, TestImages.Png(300, 300));
        var shared = TestImages.Jpeg(320, 240);
        var other = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Christmas, "handicrafts", "Szopki"));
        await UploadAsync(host, other.Application.Id, other.EditToken, shared);

        // Replaced by an upload: the first image is gone, file and all.
        var second = await UploadAsync(host, Id, Token, shared);
        var gone = await Should.ThrowAsync<RpcException>(() => ReadAllAsync(first.ImageId));
        gone.StatusCode.ShouldBe(StatusCode.NotFound);
        (await host.Web.GetAsync(first.UrlPath)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The application's link to the old image went with it: an edit can no longer name it.
        var update = new UpdateApplicationRequest { ApplicationId = Id, EditToken = Token };
        update.Answers.Add(StandardAnswers("gifts", "Bombki z Krakowa"));
        update.Answers["offer_image"] = Image(first.ImageId);
        RpcErrors.FieldsOf(await Should.ThrowAsync<RpcException>(() => host.Applications.UpdateApplicationAsync(update).ResponseAsync)).ShouldBe(["answers.offer_image"]);

        // The shared bytes stay while the other application shows them, and go with the last one that did.
        var third = await UploadAsync(host, Id, Token, TestImages.WebPLossless(200, 200));
        (await ReadAllAsync(second.ImageId)).ShouldNotBeEmpty();
        await UploadAsync(host, other.Application.Id, other.EditToken, TestImages.Png(64, 64));
        (await Should.ThrowAsync<RpcException>(() => ReadAllAsync(second.ImageId))).StatusCode.ShouldBe(StatusCode.NotFound);
        Directory.EnumerateFiles(ImagesFolder, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .ShouldBe([third.ImageId, TestImageIdOf(TestImages.Png(64, 64))], ignoreOrder: true);
    }

    private static string TestImageIdOf(byte[] image) => Convert.ToHexStringLower(SHA256.HashData(image));

    private async Task<List<OfferImageChunk>> ReadAllAsync(string imageId)
    {
        using var call = host.Applications.GetOfferImage(new GetOfferImageRequest { ImageId = imageId });
        var chunks = new List<OfferImageChunk>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    /// <summary>No image under its address, no temporary file left: a refused upload leaves nothing behind.</summary>
    private void NothingStored()
    {
        if (Directory.Exists(ImagesFolder))
        {
            Directory.EnumerateFiles(ImagesFolder, "*", SearchOption.AllDirectories).ShouldBeEmpty();
        }
    }
}

/// <summary>The limits come from configuration.</summary>
public sealed class OfferImageLimitTests : IAsyncLifetime
{
    private const string CutOff = "The upload was cut off: each chunk must follow the last within 1 s, and the whole image arrive within 3 s. Nothing was kept; upload it again.";

    private MapsHost host = null!;

    public async Task InitializeAsync() =>
        host = await MapsHost.StartAsync(new MapsHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["Maps:Images:MaxBytes"] = "10000",
                ["Maps:Images:MaxPixels"] = "256",
                ["Maps:Images:StallSeconds"] = "1",
                ["Maps:Images:UploadSeconds"] = "3",
            },
        });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Configured_byte_and_pixel_limits_apply()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Christmas, "gifts"));

        var bytes = await Should.ThrowAsync<RpcException>(() => UploadAsync(host, submitted.Application.Id, submitted.EditToken, TestImages.Png(100, 100, totalSize: 10_001)));
        var pixels = await Should.ThrowAsync<RpcException>(() => UploadAsync(host, submitted.Application.Id, submitted.EditToken, TestImages.Png(257, 100)));
        var fits = await UploadAsync(host, submitted.Application.Id, submitted.EditToken, TestImages.Png(256, 256, totalSize: 10_000));

        RpcErrors.DescriptionOf(bytes, "header.total_size").ShouldBe("is 10001 bytes; offer images may be at most 10000 bytes");
        RpcErrors.DescriptionOf(pixels, "chunk.data").ShouldBe("The image is 257×100 px; images may be at most 256 px a side");
        fits.Size.ShouldBe(10_000);
    }

    [Fact]
    public async Task An_upload_that_stops_sending_or_dawdles_is_cut_off_and_leaves_nothing()
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Christmas, "gifts"));
        var image = TestImages.Png(100, 100, totalSize: 3000);

        // Never starts: the stream opened, and not even a header.
        using var silent = host.Applications.UploadOfferImage();
        var neverStarted = await Should.ThrowAsync<RpcException>(() => silent.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30)));
        neverStarted.Status.ShouldBe(new Status(StatusCode.DeadlineExceeded, CutOff));

        // Stops: the header and one chunk, then nothing, with the stream left open.
        using var stalled = host.Applications.UploadOfferImage();
        await stalled.RequestStream.WriteAsync(Header(submitted.Application.Id, submitted.EditToken, image.Length));
        await stalled.RequestStream.WriteAsync(Chunk(image, 0, 100));
        var stopped = await Should.ThrowAsync<RpcException>(() => stalled.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30)));

        // Dawdles: a chunk every 0.3 s never stalls, but 30 of them take longer than the whole upload may.
        using var dawdling = host.Applications.UploadOfferImage();
        var slow = await Should.ThrowAsync<RpcException>(async () =>
        {
            await dawdling.RequestStream.WriteAsync(Header(submitted.Application.Id, submitted.EditToken, image.Length));
            for (var offset = 0; offset < image.Length; offset += 100)
            {
                await dawdling.RequestStream.WriteAsync(Chunk(image, offset, 100));
                await Task.Delay(300);
            }

            await dawdling.RequestStream.CompleteAsync();
            await dawdling.ResponseAsync;
        });

        stopped.Status.ShouldBe(new Status(StatusCode.DeadlineExceeded, CutOff));
        (await dawdling.ResponseAsync.ContinueWith(t => t.Exception?.InnerException as RpcException)).ShouldNotBeNull().Status
            .ShouldBe(new Status(StatusCode.DeadlineExceeded, CutOff), slow.Message);
        (await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = submitted.Application.Id, EditToken = submitted.EditToken }))
            .OfferImageId.ShouldBeEmpty();
        var images = Path.Combine(host.DataFolder, "images");
        if (Directory.Exists(images))
        {
            Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories).ShouldBeEmpty();
        }
    }
}
