using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.Applications;

/// <summary>Submitting applications over gRPC: validation of every answer at once, the campaign's window and area, idempotency.</summary>
public sealed class SubmissionTests : IAsyncLifetime
{
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await MapsHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Every_violation_is_reported_in_one_answer_per_field()
    {
        var request = new SubmitApplicationRequest { CampaignId = TestCampaigns.SurveyLab, IdempotencyKey = NewKey() };
        request.Answers.Add(new Dictionary<string, AnswerValue>
        {
            ["business_name"] = Number(7),                                  // wrong kind for a text question
            ["category"] = Text("spaceships"),                              // not among the campaign's categories
            ["location"] = Point(91, double.NaN),                           // latitude out of range, longitude NaN
            ["address"] = Place("", "abc", "31042", "Kraków\u0007"),        // street missing, bad number, bad code, control char
            ["website"] = Text("ftp://example.pl"),
            ["phone"] = Text("12 34"),
            ["email"] = Text("biuro@"),
            ["employees"] = Number(double.PositiveInfinity),
            ["founded"] = Text("2021-02-30"),
            ["services"] = Choices("repair", "teleportation", "delivery", "consulting"),
            ["size"] = Text("huge"),
            ["motto"] = Text(new string('m', 51)),
            ["history"] = Text(new string('h', 9000)),
            ["offer_image"] = Image(new string('a', 64)),
            ["favourite_colour"] = Text("blue"),
        });

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(request).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(error).ShouldBe(
        [
            "answers.favourite_colour",
            "answers.business_name",
            "answers.category",
            "answers.location.latitude",
            "answers.location.longitude",
            "answers.address.street",
            "answers.address.building_number",
            "answers.address.postal_code",
            "answers.address.city",
            "answers.website",
            "answers.phone",
            "answers.email",
            "answers.offer_image",
            "answers.employees",
            "answers.founded",
            "answers.services",
            "answers.services",
            "answers.size",
            "answers.motto",
            "answers.history",
        ], ignoreOrder: true);
        RpcErrors.DescriptionOf(error, "answers.history").ShouldBe("must be at most 2000 characters (it has 9000)");
        RpcErrors.DescriptionOf(error, "answers.email").ShouldBe("must be an e-mail address such as biuro@example.pl");
        RpcErrors.DescriptionOf(error, "answers.address.street").ShouldBe("is required");
        RpcErrors.DescriptionOf(error, "answers.offer_image").ShouldBe("must be the image_id of an image uploaded to this application (UploadOfferImage)");
        RpcErrors.DescriptionOf(error, "answers.category").ShouldStartWith("'spaceships' is not one of the options: lab");
        RpcErrors.DescriptionOf(error, "answers.founded").ShouldBe("must be a real date written YYYY-MM-DD");
        RpcErrors.DescriptionOf(error, "answers.employees").ShouldBe("must be a finite number (not NaN or infinity)");
        RpcErrors.DescriptionOf(error, "answers.business_name").ShouldBe("expects a text answer");
    }

    [Fact]
    public async Task An_empty_submission_names_every_required_question()
    {
        var error = await Should.ThrowAsync<RpcException>(() =>
            host.Applications.SubmitApplicationAsync(new SubmitApplicationRequest { CampaignId = TestCampaigns.ImActive, IdempotencyKey = NewKey() }).ResponseAsync);

        RpcErrors.FieldsOf(error).ShouldBe(["answers.business_name", "answers.category", "answers.location", "answers.address", "answers.email"]);
        RpcErrors.ViolationsOf(error).ShouldAllBe(v => v.Description == "is required");
    }

    [Fact]
    public async Task Valid_answers_of_every_field_type_are_accepted_and_kept_normalised()
    {
        var request = Submission(TestCampaigns.SurveyLab, "lab", name: "  Warsztat\u00A0Pana Jana  ");
        request.Answers["employees"] = Number(12);
        request.Answers["founded"] = Text("1998-05-17");
        request.Answers["services"] = Choices("repair", "delivery");
        request.Answers["size"] = Text("micro");
        request.Answers["motto"] = Text("Naprawimy wszystko");
        request.Answers["history"] = Text("Od 1998 roku.\r\nW Krakowie.");
        request.Answers["phone"] = Text("600-123-456");

        var response = await host.Applications.SubmitApplicationAsync(request);

        var answers = response.Application.Answers;
        answers["business_name"].Text.ShouldBe("Warsztat\u00A0Pana Jana");
        answers["history"].Text.ShouldBe("Od 1998 roku.\nW Krakowie.");
        answers["employees"].Number.ShouldBe(12);
        answers["services"].Choices.OptionIds.ShouldBe(["repair", "delivery"]);
        answers["location"].Point.Latitude.ShouldBe(MainSquare.Latitude);
        answers["address"].Address.PostalCode.ShouldBe("31-042");
        response.Application.CampaignId.ShouldBe(TestCampaigns.SurveyLab);
        response.Application.Season.ShouldBe(1);
    }

    [Fact]
    public async Task Number_bounds_multiple_choice_limits_and_control_characters_are_enforced()
    {
        var request = Submission(TestCampaigns.SurveyLab, "lab");
        request.Answers["employees"] = Number(-1);
        request.Answers["services"] = Choices("repair", "delivery", "consulting");
        request.Answers["motto"] = Text("line one\nline two");
        request.Answers["history"] = Text("tab\tand newline\nare fine, but not \u202Ereversed\u202C text");

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(request).ResponseAsync);

        RpcErrors.DescriptionOf(error, "answers.employees").ShouldBe("must be at least 0");
        RpcErrors.DescriptionOf(error, "answers.services").ShouldBe("may choose at most 2 options (it chooses 3)");
        RpcErrors.DescriptionOf(error, "answers.motto").ShouldBe("must not contain control characters or line breaks");
        RpcErrors.DescriptionOf(error, "answers.history").ShouldBe("must not contain control characters (other than line breaks and tabs)");
    }

    [Fact]
    public async Task A_text_over_ten_thousand_characters_is_refused_outright_and_ten_megabytes_exceed_the_message_limit()
    {
        var long12k = Submission(TestCampaigns.SurveyLab, "lab");
        long12k.Answers["history"] = Text(new string('x', 12_000));
        var tenMegabytes = Submission(TestCampaigns.SurveyLab, "lab");
        tenMegabytes.Answers["history"] = Text(new string('x', 10 * 1024 * 1024));

        var refused = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(long12k).ResponseAsync);
        var tooLarge = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(tenMegabytes).ResponseAsync);

        RpcErrors.DescriptionOf(refused, "answers.history").ShouldBe("is 12000 characters long; texts over 10000 characters are refused");
        tooLarge.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
    }

    [Theory]
    [InlineData(double.NaN, 19.93)]
    [InlineData(50.06, double.NegativeInfinity)]
    [InlineData(-90.0001, 19.93)]
    [InlineData(50.06, 180.5)]
    public async Task Impossible_coordinates_are_invalid(double latitude, double longitude)
    {
        var request = Submission(TestCampaigns.ImActive, "retail");
        request.Answers["location"] = Point(latitude, longitude);

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(request).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(error).ShouldHaveSingleItem().ShouldStartWith("answers.location.");
    }

    [Fact]
    public async Task An_unknown_campaign_is_not_found()
    {
        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Submission("easter-online", "gifts")).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.NotFound);
        error.Status.Detail.ShouldBe("Campaign 'easter-online' does not exist.");
    }

    [Fact]
    public async Task A_campaign_id_longer_than_any_campaigns_is_invalid_and_not_quoted_back()
    {
        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Submission(new string('e', 100_000), "gifts")).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(error).ShouldBe(["campaign_id"]);
        error.Status.Detail.Length.ShouldBeLessThan(200);
    }

    [Fact]
    public async Task An_unknown_category_is_a_violation_on_the_category_answer()
    {
        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Gastronomy, "retail")).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        RpcErrors.FieldsOf(error).ShouldBe(["answers.category"]);
        RpcErrors.DescriptionOf(error, "answers.category").ShouldBe("'retail' is not one of the options: restaurant, cafe, confectionery");
    }

    [Fact]
    public async Task After_the_window_closes_a_submission_fails_naming_the_closing_date()
    {
        host.Clock.Set(new DateTimeOffset(2027, 1, 7, 9, 0, 0, TimeSpan.FromHours(1)));

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Christmas, "gifts")).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        error.Status.Detail.ShouldBe("Campaign 'christmas-online' closed on 2027-01-06; it no longer accepts applications.");
    }

    [Fact]
    public async Task Before_the_window_opens_a_submission_fails_naming_the_opening_date()
    {
        host.Clock.Set(new DateTimeOffset(2026, 10, 15, 9, 0, 0, TimeSpan.FromHours(2)));

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.Christmas, "gifts")).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        error.Status.Detail.ShouldBe("Campaign 'christmas-online' opens on 2026-11-01; it does not accept applications yet.");
    }

    [Fact]
    public async Task A_location_outside_the_campaigns_area_fails_with_the_reason()
    {
        var request = Submission(TestCampaigns.Christmas, "gifts");
        request.Answers["location"] = Point(Warsaw.Latitude, Warsaw.Longitude);

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(request).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        error.Status.Detail.ShouldBe("The location 52.2297, 21.0122 (answers.location) is outside the campaign's area: Kraków and the surrounding area (the metropolitan municipalities).");
        var failure = error.GetRpcStatus()!.GetDetail<Google.Rpc.PreconditionFailure>()!;
        failure.Violations.ShouldHaveSingleItem().Subject.ShouldBe("answers.location");
    }

    [Fact]
    public async Task A_retry_with_the_same_key_and_request_returns_the_first_response()
    {
        var request = Submission(TestCampaigns.ImActive, "retail");
        var reordered = new SubmitApplicationRequest { CampaignId = request.CampaignId, IdempotencyKey = request.IdempotencyKey };
        foreach (var answer in request.Answers.Reverse())
        {
            reordered.Answers.Add(answer.Key, answer.Value);
        }

        var first = await host.Applications.SubmitApplicationAsync(request);
        var retry = await host.Applications.SubmitApplicationAsync(reordered);

        retry.Application.Id.ShouldBe(first.Application.Id);
        retry.EditToken.ShouldBe(first.EditToken);
        (await host.Moderation.ListQueueAsync(new ListQueueRequest { CampaignId = TestCampaigns.ImActive }, TestApiKeys.As(TestApiKeys.Moderator)))
            .Applications.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_request_is_already_exists()
    {
        var request = Submission(TestCampaigns.ImActive, "retail", key: "order-2026-12-01-0001");
        await host.Applications.SubmitApplicationAsync(request);
        var different = Submission(TestCampaigns.ImActive, "crafts", key: "order-2026-12-01-0001");

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(different).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.AlreadyExists);
        error.Status.Detail.ShouldContain("order-2026-12-01-0001");
    }

    [Fact]
    public async Task Simultaneous_submissions_with_one_key_create_one_application()
    {
        var request = Submission(TestCampaigns.ImActive, "retail");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.Applications.SubmitApplicationAsync(request).ResponseAsync));

        responses.Select(r => r.Application.Id).Distinct().ShouldHaveSingleItem();
        responses.Select(r => r.EditToken).Distinct().ShouldHaveSingleItem();
        (await host.ReadAsync(db => Task.FromResult(db.Applications.Count()))).ShouldBe(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("has spaces in it")]
    [InlineData("trailing-newline\n")]
    public async Task The_idempotency_key_is_checked_together_with_the_answers(string key)
    {
        var request = Submission(TestCampaigns.ImActive, "retail", key: key);
        request.Answers.Remove("email");

        var error = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(request).ResponseAsync);

        RpcErrors.FieldsOf(error).ShouldBe(["idempotency_key", "answers.email"], ignoreOrder: true);
    }

    [Fact]
    public async Task Submissions_work_over_grpc_web_too()
    {
        var client = new Krakow.Maps.V1.Applications.ApplicationsClient(host.WebChannel);

        var response = await client.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "services"));
        var error = await Should.ThrowAsync<RpcException>(() => client.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "nonsense")).ResponseAsync);

        response.Application.Status.ShouldBe(ApplicationStatus.Submitted);
        RpcErrors.FieldsOf(error).ShouldBe(["answers.category"]);
    }
}
