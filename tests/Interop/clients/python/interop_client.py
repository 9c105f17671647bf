#!/usr/bin/python3
"""gRPC interop conformance client built on grpcio (the gRPC C-core).

Implements the client side of the test cases in grpc/grpc's
doc/interop-test-descriptions.md, over plaintext HTTP/2.

Usage:
  interop_client.py --server_port N --test_case NAME [--server_host HOST]
                    [--server_host_override AUTHORITY]

NAME is one of the cases in TEST_CASES below, or "all".  Exit code 0 means the
case passed; otherwise a one-line reason is printed on stderr and the exit code
is 1 (2 for usage errors).

Run it with /usr/bin/python3: that is the interpreter Debian's python3-grpcio
and python3-grpc-tools are installed for.
"""

import argparse
import gzip
import os
import queue
import sys
import tempfile
import threading
import zlib

try:
    import grpc
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError as _err:  # e.g. run with a python3 that lacks Debian's grpcio
    sys.exit("FAIL: %s (run with /usr/bin/python3 after scripts/install-test-deps.sh)" % _err)

# Debian's grpc-proto package ships the interop protos here.
PROTO_ROOT = "/usr/share/grpc-proto"
TEST_PROTO = "grpc/testing/test.proto"

TEST_SERVICE = "/grpc.testing.TestService/"
UNIMPLEMENTED_SERVICE = "/grpc.testing.UnimplementedService/"

# Upper bound for every call, so a misbehaving server fails a case instead of
# hanging the test suite.
CALL_TIMEOUT_S = 30.0

ECHO_INITIAL_KEY = "x-grpc-test-echo-initial"
ECHO_INITIAL_VALUE = "test_initial_metadata_value"
ECHO_TRAILING_KEY = "x-grpc-test-echo-trailing-bin"
ECHO_TRAILING_VALUE = b"\xab\xab\xab"


class TestFailure(Exception):
    """A failed client assertion; its message is the one-line reason."""


def check(condition, reason):
    if not condition:
        raise TestFailure(reason)


# --------------------------------------------------------------------------
# Messages: built at run time from the protos, no generated code in the repo.
# --------------------------------------------------------------------------


def _build_descriptor_set():
    """Compiles test.proto (and its imports) into a serialized FileDescriptorSet."""
    from grpc_tools import protoc  # python3-grpc-tools

    with tempfile.TemporaryDirectory(prefix="interop-proto-") as tmp:
        out = os.path.join(tmp, "test.fds")
        rc = protoc.main([
            "protoc",
            "--proto_path=" + PROTO_ROOT,
            "--include_imports",
            "--descriptor_set_out=" + out,
            TEST_PROTO,
        ])
        if rc != 0:
            raise RuntimeError("protoc failed on %s/%s (exit %d)" % (PROTO_ROOT, TEST_PROTO, rc))
        with open(out, "rb") as f:
            return f.read()


class Messages:
    """Message classes of package grpc.testing, e.g. Messages().SimpleRequest."""

    def __init__(self):
        fds = descriptor_pb2.FileDescriptorSet.FromString(_build_descriptor_set())
        pool = descriptor_pool.DescriptorPool()
        for file_proto in fds.file:  # --include_imports lists dependencies first
            pool.Add(file_proto)
        get_class = getattr(message_factory, "GetMessageClass", None)
        if get_class is None:  # protobuf < 4.22 (Debian 12 ships 4.21)
            get_class = message_factory.MessageFactory(pool).GetPrototype
        for name in ("Empty", "SimpleRequest", "SimpleResponse",
                     "StreamingInputCallRequest", "StreamingInputCallResponse",
                     "StreamingOutputCallRequest", "StreamingOutputCallResponse"):
            desc = pool.FindMessageTypeByName("grpc.testing." + name)
            setattr(self, name, get_class(desc))


# --------------------------------------------------------------------------
# Per-message compression control.
# --------------------------------------------------------------------------


class _NoCompressMarker:
    """Sends selected client-streaming messages uncompressed on a compressed call.

    grpcio's public API only sets compression per call; C-core honours a
    per-message NO_COMPRESS write flag, but grpcio always writes with flags 0.
    client_compressed_streaming needs one compressed and one uncompressed message
    on the same stream, so we wrap the SendMessageOperation that grpc._channel
    uses: the request serializer runs on the same thread immediately before it,
    and records whether the message it just serialized must stay uncompressed.
    """

    _local = threading.local()
    _installed = False
    _lock = threading.Lock()

    @classmethod
    def install(cls):
        with cls._lock:
            if cls._installed:
                return
            from grpc import _channel
            from grpc._cython import cygrpc

            original = cygrpc.SendMessageOperation
            no_compress = cygrpc.WriteFlag.no_compress

            def send_message_operation(serialized, flags):
                if getattr(cls._local, "no_compress", False):
                    cls._local.no_compress = False
                    flags |= no_compress
                return original(serialized, flags)

            class _CygrpcProxy:
                def __getattr__(self, name):
                    return getattr(cygrpc, name)

            proxy = _CygrpcProxy()
            proxy.SendMessageOperation = send_message_operation
            _channel.cygrpc = proxy  # only grpc._channel sees the wrapper
            cls._installed = True

    @classmethod
    def serializer(cls, compressed_of):
        """A request serializer; compressed_of(request) says whether to compress it."""
        cls.install()

        def serialize(request):
            cls._local.no_compress = not compressed_of(request)
            return request.SerializeToString()

        return serialize


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def zeros(n):
    return bytes(n)


def describe_error(err):
    return "%s: %s" % (err.code().name, err.details())


def check_payload(payload, size, what):
    body = payload.body
    check(len(body) == size, "%s: payload body is %d bytes, expected %d" % (what, len(body), size))
    check(body == zeros(size), "%s: payload body is not all zeros" % what)


def expect_status(err, code, details, what):
    """Asserts that a grpc.RpcError carries the given code (and details, unless None)."""
    check(err.code() == code,
          "%s: expected status %s, got %s" % (what, code.name, describe_error(err)))
    if details is not None:
        check(err.details() == details,
              "%s: expected status message %r, got %r" % (what, details, err.details()))


def expect_failure(what, code, details, thunk):
    """Runs thunk, which must raise grpc.RpcError with the given status."""
    try:
        thunk()
    except grpc.RpcError as err:
        expect_status(err, code, details, what)
        return
    raise TestFailure("%s: succeeded, expected status %s" % (what, code.name))


def metadata_value(metadata, key):
    for k, v in metadata or ():
        if k == key:
            return v
    return None


def check_echoed_metadata(call, what):
    initial = metadata_value(call.initial_metadata(), ECHO_INITIAL_KEY)
    check(initial == ECHO_INITIAL_VALUE,
          "%s: initial metadata %s is %r, expected %r"
          % (what, ECHO_INITIAL_KEY, initial, ECHO_INITIAL_VALUE))
    trailing = metadata_value(call.trailing_metadata(), ECHO_TRAILING_KEY)
    check(trailing == ECHO_TRAILING_VALUE,
          "%s: trailing metadata %s is %r, expected %r"
          % (what, ECHO_TRAILING_KEY, trailing, ECHO_TRAILING_VALUE))


def wire_message(raw):
    """Splits a message received with per-message decompression off.

    With channel arg grpc.per_message_decompression=0, C-core hands us message
    bytes exactly as framed: still compressed iff the frame's compressed flag
    was set.  A serialized response message is empty or starts with field 1's
    tag (0x0a), while a compressed one starts with a gzip or zlib header, so
    the two cannot be confused.  Returns (compressed_flag, decompressed_bytes).
    """
    if raw[:2] == b"\x1f\x8b":
        return True, gzip.decompress(raw)
    if len(raw) >= 2 and raw[0] & 0x0F == 8 and int.from_bytes(raw[:2], "big") % 31 == 0:
        return True, zlib.decompress(raw)  # "deflate" in gRPC is the zlib format
    return False, raw


class RequestQueue:
    """A request iterator fed step by step, for ping-pong style streams."""

    _DONE = object()

    def __init__(self):
        self._queue = queue.Queue()

    def send(self, request):
        self._queue.put(request)

    def half_close(self):
        self._queue.put(self._DONE)

    def __iter__(self):
        while True:
            item = self._queue.get()
            if item is self._DONE:
                return
            yield item


# --------------------------------------------------------------------------
# Test cases
# --------------------------------------------------------------------------


class InteropClient:
    def __init__(self, target, authority, messages):
        self.target = target
        self.authority = authority
        self.m = messages
        self.channel = self._make_channel()

    def _make_channel(self, *extra_options):
        options = list(extra_options)
        if self.authority:
            options.append(("grpc.default_authority", self.authority))
        return grpc.insecure_channel(self.target, options=options)

    def close(self):
        self.channel.close()

    # Multi-callables for TestService methods.

    def _unary(self, method, req_type, resp_type, channel=None, service=TEST_SERVICE):
        return (channel or self.channel).unary_unary(
            service + method,
            request_serializer=req_type.SerializeToString,
            response_deserializer=resp_type.FromString if resp_type else None)

    def empty_call(self):
        return self._unary("EmptyCall", self.m.Empty, self.m.Empty)

    def unary_call(self, channel=None, raw_response=False):
        return self._unary("UnaryCall", self.m.SimpleRequest,
                           None if raw_response else self.m.SimpleResponse, channel)

    def streaming_input_call(self, request_serializer=None):
        return self.channel.stream_unary(
            TEST_SERVICE + "StreamingInputCall",
            request_serializer=request_serializer or self.m.StreamingInputCallRequest.SerializeToString,
            response_deserializer=self.m.StreamingInputCallResponse.FromString)

    def streaming_output_call(self, channel=None, raw_response=False):
        return (channel or self.channel).unary_stream(
            TEST_SERVICE + "StreamingOutputCall",
            request_serializer=self.m.StreamingOutputCallRequest.SerializeToString,
            response_deserializer=None if raw_response else self.m.StreamingOutputCallResponse.FromString)

    def full_duplex_call(self):
        return self.channel.stream_stream(
            TEST_SERVICE + "FullDuplexCall",
            request_serializer=self.m.StreamingOutputCallRequest.SerializeToString,
            response_deserializer=self.m.StreamingOutputCallResponse.FromString)

    # Request builders.

    def large_unary_request(self, **fields):
        return self.m.SimpleRequest(response_size=314159,
                                    payload={"body": zeros(271828)}, **fields)

    def streaming_output_request(self, sizes, payload_size=None, **fields):
        request = self.m.StreamingOutputCallRequest(
            response_parameters=[{"size": s} for s in sizes], **fields)
        if payload_size is not None:
            request.payload.body = zeros(payload_size)
        return request

    # The cases, named as in the spec.

    def empty_unary(self):
        response = self.empty_call()(self.m.Empty(), timeout=CALL_TIMEOUT_S)
        check(response is not None, "EmptyCall returned no response")
        check(isinstance(response, self.m.Empty), "EmptyCall response is not grpc.testing.Empty")

    def large_unary(self):
        response = self.unary_call()(self.large_unary_request(), timeout=CALL_TIMEOUT_S)
        check_payload(response.payload, 314159, "UnaryCall")

    def client_compressed_unary(self):
        call = self.unary_call()
        # Probe: an uncompressed request that claims to be compressed must be
        # rejected, which proves the server really checks the compressed flag.
        expect_failure(
            "probe (expect_compressed=true, sent uncompressed)",
            grpc.StatusCode.INVALID_ARGUMENT, None,
            lambda: call(self.large_unary_request(expect_compressed={"value": True}),
                         timeout=CALL_TIMEOUT_S))
        response = call(self.large_unary_request(expect_compressed={"value": True}),
                        timeout=CALL_TIMEOUT_S, compression=grpc.Compression.Gzip)
        check_payload(response.payload, 314159, "compressed UnaryCall")
        response = call(self.large_unary_request(expect_compressed={"value": False}),
                        timeout=CALL_TIMEOUT_S)
        check_payload(response.payload, 314159, "uncompressed UnaryCall")

    def server_compressed_unary(self):
        # The response must decode through the normal stack...
        for compressed in (True, False):
            response = self.unary_call()(
                self.large_unary_request(response_compressed={"value": compressed}),
                timeout=CALL_TIMEOUT_S)
            check_payload(response.payload, 314159, "UnaryCall(response_compressed=%s)" % compressed)
        # ...and carry the right compressed flag, which only a channel that
        # leaves decompression to us can see.
        raw_channel = self._make_channel(("grpc.per_message_decompression", 0))
        try:
            for compressed in (True, False):
                what = "UnaryCall(response_compressed=%s)" % compressed
                raw = self.unary_call(raw_channel, raw_response=True)(
                    self.large_unary_request(response_compressed={"value": compressed}),
                    timeout=CALL_TIMEOUT_S)
                flag, body = wire_message(raw)
                check(flag == compressed, "%s: response compressed flag is %s" % (what, flag))
                check_payload(self.m.SimpleResponse.FromString(body).payload, 314159, what)
        finally:
            raw_channel.close()

    def client_streaming(self):
        sizes = (27182, 8, 1828, 45904)
        requests = (self.m.StreamingInputCallRequest(payload={"body": zeros(n)}) for n in sizes)
        response = self.streaming_input_call()(requests, timeout=CALL_TIMEOUT_S)
        check(response.aggregated_payload_size == 74922,
              "aggregated_payload_size is %d, expected 74922" % response.aggregated_payload_size)

    def client_compressed_streaming(self):
        def request(expect_compressed, size):
            return self.m.StreamingInputCallRequest(
                expect_compressed={"value": expect_compressed}, payload={"body": zeros(size)})

        # Probe, as in client_compressed_unary.
        expect_failure(
            "probe (expect_compressed=true, sent uncompressed)",
            grpc.StatusCode.INVALID_ARGUMENT, None,
            lambda: self.streaming_input_call()(iter([request(True, 27182)]), timeout=CALL_TIMEOUT_S))
        # A compressed call whose second message is sent uncompressed.
        call = self.streaming_input_call(
            _NoCompressMarker.serializer(lambda r: r.expect_compressed.value))
        response = call(iter([request(True, 27182), request(False, 45904)]),
                        timeout=CALL_TIMEOUT_S, compression=grpc.Compression.Gzip)
        check(response.aggregated_payload_size == 73086,
              "aggregated_payload_size is %d, expected 73086" % response.aggregated_payload_size)

    def server_streaming(self):
        sizes = [31415, 9, 2653, 58979]
        responses = list(self.streaming_output_call()(
            self.streaming_output_request(sizes), timeout=CALL_TIMEOUT_S))
        check(len(responses) == len(sizes), "got %d responses, expected 4" % len(responses))
        for i, (response, size) in enumerate(zip(responses, sizes)):
            check_payload(response.payload, size, "response %d" % i)

    def server_compressed_streaming(self):
        flags_sizes = [(True, 31415), (False, 92653)]
        request = self.m.StreamingOutputCallRequest(response_parameters=[
            {"compressed": {"value": c}, "size": s} for c, s in flags_sizes])
        responses = list(self.streaming_output_call()(request, timeout=CALL_TIMEOUT_S))
        check(len(responses) == 2, "got %d responses, expected 2" % len(responses))
        for i, (response, (_, size)) in enumerate(zip(responses, flags_sizes)):
            check_payload(response.payload, size, "response %d" % i)
        # Compressed flags, seen through a channel that does not decompress.
        raw_channel = self._make_channel(("grpc.per_message_decompression", 0))
        try:
            raws = list(self.streaming_output_call(raw_channel, raw_response=True)(
                request, timeout=CALL_TIMEOUT_S))
            check(len(raws) == 2, "got %d responses, expected 2" % len(raws))
            for i, (raw, (compressed, size)) in enumerate(zip(raws, flags_sizes)):
                flag, body = wire_message(raw)
                check(flag == compressed,
                      "response %d: compressed flag is %s, expected %s" % (i, flag, compressed))
                check_payload(self.m.StreamingOutputCallResponse.FromString(body).payload,
                              size, "response %d" % i)
        finally:
            raw_channel.close()

    def ping_pong(self):
        steps = [(31415, 27182), (9, 8), (2653, 1828), (58979, 45904)]
        requests = RequestQueue()
        responses = self.full_duplex_call()(iter(requests), timeout=CALL_TIMEOUT_S)
        try:
            for i, (response_size, payload_size) in enumerate(steps):
                requests.send(self.streaming_output_request([response_size], payload_size))
                response = next(responses, None)
                check(response is not None, "stream ended after %d responses, expected 4" % i)
                check_payload(response.payload, response_size, "response %d" % i)
        finally:
            requests.half_close()
        extra = sum(1 for _ in responses)  # drains to the final status
        check(extra == 0, "got %d responses after the 4th, expected none" % extra)

    def empty_stream(self):
        responses = list(self.full_duplex_call()(iter([]), timeout=CALL_TIMEOUT_S))
        check(not responses, "got %d responses, expected none" % len(responses))

    def custom_metadata(self):
        metadata = ((ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE),
                    (ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE))

        response, call = self.unary_call().with_call(
            self.large_unary_request(), metadata=metadata, timeout=CALL_TIMEOUT_S)
        check_payload(response.payload, 314159, "UnaryCall")
        check_echoed_metadata(call, "UnaryCall")

        call = self.full_duplex_call()(
            iter([self.streaming_output_request([314159], 271828)]),
            metadata=metadata, timeout=CALL_TIMEOUT_S)
        responses = list(call)
        check(len(responses) == 1, "FullDuplexCall: got %d responses, expected 1" % len(responses))
        check_payload(responses[0].payload, 314159, "FullDuplexCall")
        check_echoed_metadata(call, "FullDuplexCall")

    def _check_echo_status(self, code, message, with_full_duplex):
        status = {"code": code.value[0], "message": message}
        expect_failure("UnaryCall", code, message,
                       lambda: self.unary_call()(self.m.SimpleRequest(response_status=status),
                                                 timeout=CALL_TIMEOUT_S))
        if with_full_duplex:
            request = self.m.StreamingOutputCallRequest(response_status=status)
            expect_failure("FullDuplexCall", code, message,
                           lambda: list(self.full_duplex_call()(iter([request]),
                                                                timeout=CALL_TIMEOUT_S)))

    def status_code_and_message(self):
        self._check_echo_status(grpc.StatusCode.UNKNOWN, "test status message", True)

    def special_status_message(self):
        self._check_echo_status(
            grpc.StatusCode.UNKNOWN,
            "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n",
            False)

    def unimplemented_method(self):
        call = self._unary("UnimplementedCall", self.m.Empty, self.m.Empty)
        expect_failure("TestService/UnimplementedCall", grpc.StatusCode.UNIMPLEMENTED, None,
                       lambda: call(self.m.Empty(), timeout=CALL_TIMEOUT_S))

    def unimplemented_service(self):
        call = self._unary("UnimplementedCall", self.m.Empty, self.m.Empty,
                           service=UNIMPLEMENTED_SERVICE)
        expect_failure("UnimplementedService/UnimplementedCall", grpc.StatusCode.UNIMPLEMENTED,
                       None, lambda: call(self.m.Empty(), timeout=CALL_TIMEOUT_S))

    def cancel_after_begin(self):
        # The request iterator blocks, so the call has sent its headers but no
        # message when we cancel it.
        release = threading.Event()

        def requests():
            release.wait()
            return
            yield  # a generator that never produces a message

        future = self.streaming_input_call().future(requests(), timeout=CALL_TIMEOUT_S)
        try:
            future.cancel()
            check(future.code() == grpc.StatusCode.CANCELLED,
                  "call completed with %s, expected CANCELLED" % future.code().name)
        finally:
            release.set()

    def cancel_after_first_response(self):
        requests = RequestQueue()
        responses = self.full_duplex_call()(iter(requests), timeout=CALL_TIMEOUT_S)
        try:
            requests.send(self.streaming_output_request([31415], 27182))
            response = next(responses, None)
            check(response is not None, "stream ended before the first response")
            check_payload(response.payload, 31415, "first response")
            responses.cancel()
            check(responses.code() == grpc.StatusCode.CANCELLED,
                  "call completed with %s, expected CANCELLED" % responses.code().name)
        finally:
            requests.half_close()

    def timeout_on_sleeping_server(self):
        # Send one message and then neither half-close nor read: the 1 ms
        # deadline must end the call.
        requests = RequestQueue()
        requests.send(self.streaming_output_request([], 27182))
        responses = self.full_duplex_call()(iter(requests), timeout=0.001)
        try:
            expect_failure("FullDuplexCall with 1ms timeout", grpc.StatusCode.DEADLINE_EXCEEDED,
                           None, lambda: list(responses))
        finally:
            requests.half_close()


TEST_CASES = [
    "empty_unary",
    "large_unary",
    "client_compressed_unary",
    "server_compressed_unary",
    "client_streaming",
    "client_compressed_streaming",
    "server_streaming",
    "server_compressed_streaming",
    "ping_pong",
    "empty_stream",
    "custom_metadata",
    "status_code_and_message",
    "special_status_message",
    "unimplemented_method",
    "unimplemented_service",
    "cancel_after_begin",
    "cancel_after_first_response",
    "timeout_on_sleeping_server",
]


def run_case(client, name):
    """Runs one case; returns None on success, else the one-line reason."""
    try:
        getattr(client, name)()
        return None
    except TestFailure as failure:
        return str(failure)
    except grpc.RpcError as err:
        return "unexpected RPC failure: " + describe_error(err)
    except Exception as err:  # a client bug must still be reported as one line
        return "unexpected %s: %s" % (type(err).__name__, err)


def one_line(text):
    return " ".join(str(text).split()) or "(no detail)"


def parse_args(argv):
    parser = argparse.ArgumentParser(description="gRPC interop client (grpcio, plaintext)")
    parser.add_argument("--server_host", default="127.0.0.1")
    parser.add_argument("--server_host_override", default=None,
                        help="HTTP/2 :authority to claim (default: host:port)")
    parser.add_argument("--server_port", type=int, required=True)
    parser.add_argument("--test_case", required=True, choices=TEST_CASES + ["all"], metavar="NAME",
                        help="one of: " + ", ".join(TEST_CASES) + ", or all")
    parser.add_argument("--use_tls", default="false", choices=["false"],
                        help="accepted for compatibility; only plaintext is supported")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    host = args.server_host
    if ":" in host and not host.startswith("["):
        host = "[%s]" % host  # bare IPv6 literal
    try:
        messages = Messages()
    except Exception as err:
        print("FAIL %s: cannot load interop protos: %s" % (args.test_case, one_line(err)),
              file=sys.stderr)
        return 1

    client = InteropClient("%s:%d" % (host, args.server_port), args.server_host_override, messages)
    try:
        if args.test_case != "all":
            reason = run_case(client, args.test_case)
            if reason is not None:
                print("FAIL %s: %s" % (args.test_case, one_line(reason)), file=sys.stderr)
                return 1
            print("PASS %s" % args.test_case)
            return 0

        failed = 0
        for name in TEST_CASES:
            reason = run_case(client, name)
            if reason is None:
                print("PASS %s" % name)
            else:
                failed += 1
                print("FAIL %s: %s" % (name, one_line(reason)))
        print("%d passed, %d failed" % (len(TEST_CASES) - failed, failed))
        return 1 if failed else 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
