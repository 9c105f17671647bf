#!/usr/bin/python3
"""Checks with a real gRPC client (the C-core, Debian's python3-grpcio) that a bench server answers UnaryCall
with status OK and exactly the expected SimpleResponse, on N concurrent calls over one channel.

usage: check_unary.py HOST:PORT REQUEST_FRAME_FILE RESPONSE_FRAME_FILE [CALLS]
The files are the 5-byte-prefixed frames written by Krakow.Bench.UnaryServer --write-request/--write-response;
the messages are sent and compared as raw bytes, so no generated code is needed.
"""
import sys
from concurrent.futures import ThreadPoolExecutor

import grpc


def main() -> int:
    target, request_file, response_file = sys.argv[1:4]
    calls = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    request = open(request_file, "rb").read()[5:]
    expected = open(response_file, "rb").read()[5:]
    with grpc.insecure_channel(target) as channel:
        unary = channel.unary_unary(
            "/grpc.testing.TestService/UnaryCall",
            request_serializer=lambda b: b,
            response_deserializer=lambda b: b,
        )

        def one(_: int) -> str | None:
            try:
                response, call = unary.with_call(request, timeout=10)
            except grpc.RpcError as error:
                return f"status {error.code()}: {error.details()}"
            if call.code() != grpc.StatusCode.OK:
                return f"status {call.code()}"
            if response != expected:
                return f"response differs ({len(response)} bytes, expected {len(expected)})"
            return None

        with ThreadPoolExecutor(max_workers=16) as pool:
            failures = [f for f in pool.map(one, range(calls)) if f is not None]
    if failures:
        print(f"check_unary: {target}: {len(failures)}/{calls} calls failed, first: {failures[0]}")
        return 1
    print(f"check_unary: {target}: {calls}/{calls} calls OK with the expected response")
    return 0


if __name__ == "__main__":
    sys.exit(main())
