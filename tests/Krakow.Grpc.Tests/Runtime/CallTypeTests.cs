using Krakow.Grpc.Tests.Runtime.Infrastructure;
using Shouldly;

namespace Krakow.Grpc.Tests.Runtime;

/// <summary>The four kinds of call, metadata both ways, response headers and trailers, over raw HTTP/2.</summary>
public sealed class CallTypeTests(RuntimeHostFixture fixture) : IClassFixture<RuntimeHostFixture>
{
    private RuntimeHost Host => fixture.Host;

    [Fact]
    public async Task A_unary_call_answers_one_message_then_status_ok_in_the_trailers()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "hello", ReplySize = 3 });

        response.ShouldBeOk();
        response.ContentType.ShouldBe("application/grpc");
        response.Header("grpc-status").ShouldBeNull("a call with a body ends with its status in the trailers");
        response.Trailer("grpc-status").ShouldBe("0");
        var reply = response.SingleMessage(EchoReply.Parser);
        reply.Text.ShouldBe("hello");
        reply.Payload.Length.ShouldBe(3);
    }

    [Fact]
    public async Task A_server_streaming_call_answers_every_message_then_status_ok()
    {
        var response = await Host.Client.UnaryAsync(Methods.CountUp, new CountRequest { Count = 3 });

        response.ShouldBeOk();
        response.Frames.Select(f => EchoReply.Parser.ParseFrom(f.Payload).Text).ShouldBe(["1", "2", "3"]);
    }

    [Fact]
    public async Task A_server_streaming_call_with_no_messages_ends_with_status_ok()
    {
        var response = await Host.Client.UnaryAsync(Methods.CountUp, new CountRequest { Count = 0 });

        response.ShouldBeOk();
        response.Body.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_client_streaming_call_reads_every_request_message_before_answering()
    {
        var body = GrpcFrames.Concat(
            GrpcFrames.Frame(new EchoRequest { Text = "a" }),
            GrpcFrames.Frame(new EchoRequest { Text = "b" }),
            GrpcFrames.Frame(new EchoRequest { Text = "c" }));

        var response = await Host.Client.UnaryAsync(Methods.Concatenate, body);

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe("abc");
    }

    [Fact]
    public async Task A_client_streaming_call_with_an_empty_request_stream_answers_an_empty_concatenation()
    {
        var response = await Host.Client.UnaryAsync(Methods.Concatenate, []);

        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe(string.Empty);
    }

    [Fact]
    public async Task A_duplex_call_answers_each_message_while_the_request_stream_is_still_open()
    {
        using var content = new StreamingContent();
        var responseTask = Host.Client.StartAsync(Host.Client.Request(Methods.Chat, content));

        // The server sends its headers with the first reply, so the first message goes out before they arrive.
        await content.WriteAsync(GrpcFrames.Frame(new EchoRequest { Text = "ping" }));
        using var response = await responseTask.WaitAsync(TimeSpan.FromSeconds(10));
        await using var responseBody = await response.Content.ReadAsStreamAsync();
        (await ReadReplyAsync(responseBody)).Text.ShouldBe("ping");

        await content.WriteAsync(GrpcFrames.Frame(new EchoRequest { Text = "pong" }));
        (await ReadReplyAsync(responseBody)).Text.ShouldBe("pong");

        content.Complete();
        (await GrpcFrames.ReadFrameAsync(responseBody).WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeNull();
        response.TrailingHeaders.GetValues("grpc-status").ShouldBe(["0"]);
    }

    [Fact]
    public async Task Request_metadata_reaches_the_handler_without_the_protocol_headers()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest(), request =>
        {
            request.Headers.Add("x-custom", "custom value");
            request.Headers.Add("grpc-timeout", "10S");
        });

        response.ShouldBeOk();
        var metadata = response.SingleMessage(EchoReply.Parser).RequestMetadata;
        metadata.ShouldContain(e => e.Key == "x-custom" && e.Value == "custom value");
        metadata.Select(e => e.Key).ShouldNotContain("content-type");
        metadata.Select(e => e.Key).ShouldNotContain("te");
        metadata.Select(e => e.Key).ShouldNotContain("grpc-timeout");
        metadata.ShouldAllBe(e => !e.Key.StartsWith(':'));
    }

    [Theory]
    [InlineData("AQIDBA==")]
    [InlineData("AQIDBA")]
    public async Task Binary_request_metadata_is_base64_decoded_whether_padded_or_not(string wireValue)
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest(), request =>
            request.Headers.Add("x-data-bin", wireValue));

        response.ShouldBeOk();
        var entry = response.SingleMessage(EchoReply.Parser).RequestMetadata.Single(e => e.Key == "x-data-bin");
        entry.ValueBytes.ToByteArray().ShouldBe(new byte[] { 1, 2, 3, 4 });
    }

    [Fact]
    public async Task Binary_request_metadata_that_is_not_base64_is_left_out_and_the_call_goes_on()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "still fine" }, request =>
        {
            request.Headers.Add("x-bad-bin", "not*base64!");
            request.Headers.Add("x-good", "kept");
        });

        response.ShouldBeOk();
        var metadata = response.SingleMessage(EchoReply.Parser).RequestMetadata;
        metadata.Select(e => e.Key).ShouldNotContain("x-bad-bin");
        metadata.ShouldContain(e => e.Key == "x-good" && e.Value == "kept");
    }

    [Fact]
    public async Task Looking_up_one_key_answers_as_the_whole_metadata_would()
    {
        string[] keys =
        [
            "x-custom", "X-Custom", "x-absent", "x-data-bin", "x-bad-bin", "x-partly-bad-bin",
            "User-Agent", "content-type", "te", "grpc-timeout", "grpc-accept-encoding", "x-grpc-web",
        ];
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { LookUp = { keys } }, request =>
        {
            request.Headers.Add("x-custom", "custom value");
            request.Headers.Add("x-data-bin", "AQ==, Ag");
            request.Headers.Add("x-bad-bin", "not*base64!");
            request.Headers.Add("x-partly-bad-bin", "AQ==, not*base64!");
            request.Headers.Add("x-grpc-web", "1");
            request.Headers.Add("grpc-timeout", "10S");
            request.Headers.UserAgent.ParseAdd("look-up-test/1.0");
        });

        response.ShouldBeOk();
        var reply = response.SingleMessage(EchoReply.Parser);
        reply.LookedUp.Count.ShouldBe(keys.Length);
        MetadataEntry Answer(string key) => reply.LookedUp[Array.IndexOf(keys, key)];

        Answer("x-custom").Value.ShouldBe("custom value");
        Answer("X-Custom").ShouldBe(Answer("x-custom"), "keys are looked up case-insensitively, as lower-case");
        Answer("x-absent").Found.ShouldBeFalse();
        Answer("x-data-bin").ValueBytes.ToByteArray().ShouldBe(new byte[] { 2 }, "the last entry with the key, as Get has it");
        Answer("x-bad-bin").Found.ShouldBeFalse("a value that is not base64 is left out");
        Answer("x-partly-bad-bin").ValueBytes.ToByteArray().ShouldBe(new byte[] { 1 });
        Answer("User-Agent").Value.ShouldStartWith("look-up-test/1.0");
        foreach (var protocolHeader in new[] { "content-type", "te", "grpc-timeout", "grpc-accept-encoding", "x-grpc-web" })
        {
            Answer(protocolHeader).Found.ShouldBeFalse($"{protocolHeader} belongs to the protocol, not to the metadata");
        }

        // Each answer is exactly the last entry with that key of the whole list the handler enumerated afterwards.
        foreach (var key in keys)
        {
            var last = reply.RequestMetadata.LastOrDefault(e => e.Key == key.ToLowerInvariant());
            (Answer(key).Found ? Answer(key) : null).ShouldBe(last, key);
        }
    }

    [Fact]
    public async Task Response_headers_written_by_the_handler_arrive_before_the_message()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "x" }, request =>
        {
            request.Headers.Add("x-echo-initial", "early");
            request.Headers.Add("x-echo-initial-bin", "AAEC/w");
        });

        response.ShouldBeOk();
        response.Header("x-echo-initial").ShouldBe("early");
        Convert.FromBase64String(response.Header("x-echo-initial-bin")!).ShouldBe(new byte[] { 0, 1, 2, 255 });
        response.Trailer("x-echo-initial").ShouldBeNull();
    }

    [Fact]
    public async Task Response_trailers_set_by_the_handler_arrive_with_the_status()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = "x" }, request =>
        {
            request.Headers.Add("x-echo-trailing", "late");
            request.Headers.Add("x-echo-trailing-bin", "AAEC/w==");
        });

        response.ShouldBeOk();
        response.Trailer("x-echo-trailing").ShouldBe("late");
        Convert.FromBase64String(response.Trailer("x-echo-trailing-bin")!).ShouldBe(new byte[] { 0, 1, 2, 255 });
        response.Header("x-echo-trailing").ShouldBeNull();
    }

    [Fact]
    public async Task Response_headers_and_trailers_are_sent_on_a_streaming_call()
    {
        var response = await Host.Client.UnaryAsync(Methods.CountUp, new CountRequest { Count = 2 }, request =>
        {
            request.Headers.Add("x-echo-initial", "early");
            request.Headers.Add("x-echo-trailing", "late");
        });

        response.ShouldBeOk();
        response.Frames.Count.ShouldBe(2);
        response.Header("x-echo-initial").ShouldBe("early");
        response.Trailer("x-echo-trailing").ShouldBe("late");
    }

    [Fact]
    public async Task The_response_announces_the_encodings_the_server_accepts()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, new EchoRequest());

        response.ShouldBeOk();
        response.Header("grpc-accept-encoding")!.Split(',', StringSplitOptions.TrimEntries).ShouldContain("gzip");
    }

    [Fact]
    public async Task Many_calls_on_one_connection_run_concurrently()
    {
        var calls = Enumerable.Range(0, 20)
            .Select(i => Host.Client.UnaryAsync(Methods.Echo, new EchoRequest { Text = $"call {i}", DelayMs = 50 }))
            .ToArray();

        var responses = await Task.WhenAll(calls);

        for (var i = 0; i < responses.Length; i++)
        {
            responses[i].ShouldBeOk();
            responses[i].SingleMessage(EchoReply.Parser).Text.ShouldBe($"call {i}");
        }
    }

    [Fact]
    public async Task An_empty_request_message_is_a_valid_unary_request()
    {
        var response = await Host.Client.UnaryAsync(Methods.Echo, GrpcFrames.Frame(Array.Empty<byte>()));

        response.ShouldBeOk();
        var reply = response.SingleMessage(EchoReply.Parser);
        reply.Text.ShouldBeEmpty();
        reply.Payload.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public async Task A_unary_request_arriving_in_pieces_is_answered_once_its_stream_ends()
    {
        // Not the common case (a unary request usually arrives whole): the server must wait for the rest.
        var frame = GrpcFrames.Frame(new EchoRequest { Text = new string('x', 1000) });
        using var content = new StreamingContent();
        var responseTask = Host.Client.SendAsync(Host.Client.Request(Methods.Echo, content));

        await content.WriteAsync(frame[..3]);
        await Task.Delay(50);
        await content.WriteAsync(frame[3..600]);
        await Task.Delay(50);
        await content.WriteAsync(frame[600..]);
        await Task.Delay(50);
        responseTask.IsCompleted.ShouldBeFalse("a unary request is not complete before its stream ends");
        content.Complete();

        var response = await responseTask.WaitAsync(TimeSpan.FromSeconds(10));
        response.ShouldBeOk();
        response.SingleMessage(EchoReply.Parser).Text.ShouldBe(new string('x', 1000));
    }

    private static async Task<EchoReply> ReadReplyAsync(Stream responseBody)
    {
        var frame = await GrpcFrames.ReadFrameAsync(responseBody).WaitAsync(TimeSpan.FromSeconds(10));
        frame.ShouldNotBeNull();
        return EchoReply.Parser.ParseFrom(frame.Payload);
    }
}
