#!/usr/bin/env node
'use strict';
/**
 * gRPC / gRPC-Web interop conformance client for Node.js (>= 20).
 *
 * Implements the client side of the test cases in grpc/grpc's
 * doc/interop-test-descriptions.md, over plaintext.
 *
 * Usage:
 *   node interop_client.js --server_port N --test_case NAME
 *        [--server_host HOST] [--server_host_override AUTHORITY]
 *        [--transport grpc|grpc-web|grpc-web-text] [--http_version 1.1|2]
 *
 * Transports:
 *   grpc           @grpc/grpc-js over HTTP/2, messages from @grpc/proto-loader.
 *   grpc-web       @connectrpc/connect-node's gRPC-Web transport, binary
 *                  (application/grpc-web+proto), over HTTP/1.1 or HTTP/2.
 *   grpc-web-text  @protobuf-ts/grpcweb-transport in "text" format
 *                  (base64, application/grpc-web-text), over Node's fetch,
 *                  which speaks HTTP/1.1 only.
 * The gRPC-Web transports take message and service descriptors from a
 * FileDescriptorSet that protoc builds from the interop protos at start-up.
 *
 * NAME is one of the cases the transport supports (see CASES below) or "all".
 * Exit code 0 means the case passed; otherwise a one-line reason is printed
 * on stderr and the exit code is 1 (2 for usage errors).
 */

const { parseArgs } = require('node:util');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http2 = require('node:http2');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

// Debian's grpc-proto package ships the interop protos here.
const PROTO_ROOT = '/usr/share/grpc-proto';
const TEST_PROTO = 'grpc/testing/test.proto';

// Upper bound for every call, so a misbehaving server fails a case instead of
// hanging the test suite.
const CALL_TIMEOUT_MS = 30000;

const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const ECHO_TRAILING_VALUE = Buffer.from([0xab, 0xab, 0xab]);

const STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND',
  'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION',
  'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS',
  'UNAUTHENTICATED',
];
const Status = Object.fromEntries(STATUS_NAMES.map((name, code) => [name, code]));
const statusName = (code) => STATUS_NAMES[code] ?? `code ${code}`;

// grpc-js WriteFlags.NoCompress, passed as the "encoding" argument of write();
// grpc-js does not export the enum.
const WRITE_FLAG_NO_COMPRESS = 2;

const SPECIAL_STATUS_MESSAGE =
  '\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \u{1f608}\t\n';

// ---------------------------------------------------------------------------
// Assertions
// ---------------------------------------------------------------------------

/** A failed client assertion; its message is the one-line reason. */
class TestFailure extends Error {}

function check(condition, reason) {
  if (!condition) throw new TestFailure(reason);
}

/** A call that ended with a non-OK status, in a transport-neutral shape. */
class RpcFailure extends Error {
  constructor(code, details, metadata = {}) {
    super(`${statusName(code)}: ${details}`);
    this.code = code;
    this.details = details;
    this.metadata = metadata;
  }
}

const zeros = (n) => Buffer.alloc(n);

function checkPayload(payload, size, what) {
  const body = payload?.body ?? new Uint8Array(0);
  check(body.length === size, `${what}: payload body is ${body.length} bytes, expected ${size}`);
  check(body.every((b) => b === 0), `${what}: payload body is not all zeros`);
}

function checkSizes(responses, sizes, what = 'response') {
  check(responses.length === sizes.length,
    `got ${responses.length} responses, expected ${sizes.length}`);
  sizes.forEach((size, i) => checkPayload(responses[i].payload, size, `${what} ${i}`));
}

/** Awaits promise, which must fail with the given status (and details, unless undefined). */
async function expectFailure(what, code, details, promise) {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TestFailure) throw err;
    check(typeof err.code === 'number', `${what}: failed without a status: ${err.message}`);
    check(err.code === code, `${what}: expected status ${statusName(code)}, got ${err.message}`);
    if (details !== undefined) {
      check(err.details === details,
        `${what}: expected status message ${JSON.stringify(details)}, got ${JSON.stringify(err.details)}`);
    }
    return;
  }
  throw new TestFailure(`${what}: succeeded, expected status ${statusName(code)}`);
}

/** Checks the echoed custom metadata; values are strings, -bin values Buffers. */
function checkEchoedMetadata(initial, trailing, what) {
  const got = initial[ECHO_INITIAL_KEY];
  check(got === ECHO_INITIAL_VALUE,
    `${what}: initial metadata ${ECHO_INITIAL_KEY} is ${JSON.stringify(got)}, expected ${JSON.stringify(ECHO_INITIAL_VALUE)}`);
  const bin = trailing[ECHO_TRAILING_KEY];
  check(Buffer.isBuffer(bin) && bin.equals(ECHO_TRAILING_VALUE),
    `${what}: trailing metadata ${ECHO_TRAILING_KEY} is ${bin ? Buffer.from(bin).toString('hex') : 'missing'}, expected ababab`);
}

// ---------------------------------------------------------------------------
// Transport "grpc": @grpc/grpc-js
// ---------------------------------------------------------------------------

/** Flattens grpc-js Metadata to {key: first value}. */
function grpcMetadataObject(metadata) {
  const out = {};
  for (const [key, values] of Object.entries(metadata ? metadata.getMap() : {})) out[key] = values;
  return out;
}

/**
 * Observes a grpc-js streaming call: buffers responses for step-by-step reads
 * and records initial metadata and the final status.
 */
class StreamObserver {
  constructor(call) {
    this.call = call;
    this.initial = {};
    this.buffered = [];
    this.waiter = null;
    this.ended = false;
    call.on('metadata', (md) => { this.initial = grpcMetadataObject(md); });
    call.on('data', (message) => { this.buffered.push(message); this._wake(); });
    call.on('end', () => { this.ended = true; this._wake(); });
    // A failed call emits 'error' and then 'status'; the outcome is read from
    // 'status', this listener only keeps the error from being thrown.
    call.on('error', () => { this.ended = true; this._wake(); });
    this.status = new Promise((resolve) => call.on('status', resolve));
  }

  _wake() {
    if (this.waiter) { this.waiter(); this.waiter = null; }
  }

  /** The next response, or null once the stream has ended. */
  async next() {
    while (this.buffered.length === 0 && !this.ended) {
      await new Promise((resolve) => { this.waiter = resolve; });
    }
    return this.buffered.length ? this.buffered.shift() : null;
  }

  /** All remaining responses and the trailing metadata; rejects with RpcFailure on a non-OK status. */
  async finish() {
    const responses = [];
    for (let r = await this.next(); r !== null; r = await this.next()) responses.push(r);
    const status = await this.status;
    const trailing = grpcMetadataObject(status.metadata);
    if (status.code !== Status.OK) throw new RpcFailure(status.code, status.details, trailing);
    return { responses, initial: this.initial, trailing };
  }
}

class GrpcCases {
  static CASES = [
    'empty_unary', 'large_unary', 'client_compressed_unary', 'server_compressed_unary',
    'client_streaming', 'client_compressed_streaming', 'server_streaming',
    'server_compressed_streaming', 'ping_pong', 'empty_stream', 'custom_metadata',
    'status_code_and_message', 'special_status_message', 'unimplemented_method',
    'unimplemented_service', 'cancel_after_begin', 'cancel_after_first_response',
    'timeout_on_sleeping_server',
  ];

  constructor({ target, authority }) {
    this.grpc = require('@grpc/grpc-js');
    const protoLoader = require('@grpc/proto-loader');
    const definition = protoLoader.loadSync(TEST_PROTO, {
      includeDirs: [PROTO_ROOT], keepCase: true, longs: String, enums: String, defaults: true,
    });
    this.pkg = this.grpc.loadPackageDefinition(definition).grpc.testing;
    this.target = target;
    this.authority = authority;
    this.stubs = [];
    this.stub = this.newStub('TestService');
  }

  newStub(service, extraOptions = {}) {
    const options = { ...extraOptions };
    if (this.authority) options['grpc.default_authority'] = this.authority;
    const stub = new this.pkg[service](this.target, this.grpc.credentials.createInsecure(), options);
    this.stubs.push(stub);
    return stub;
  }

  /**
   * A stub on a new channel that gzips every message it sends (grpc-js sets
   * compression per channel).  New each time: once a server has answered with
   * a grpc-accept-encoding list that has spaces ("identity, deflate, gzip", as
   * C-core writes it), grpc-js 1.14 no longer finds "gzip" in it and silently
   * stops compressing on that channel.
   */
  gzipStub() {
    const gzip = this.grpc.compressionAlgorithms.gzip;
    return this.newStub('TestService', { 'grpc.default_compression_algorithm': gzip });
  }

  close() {
    for (const stub of this.stubs) stub.close();
  }

  callOptions(timeoutMs = CALL_TIMEOUT_MS) {
    return { deadline: new Date(Date.now() + timeoutMs) };
  }

  /** A unary call; resolves to {response, initial, trailing}, rejects with RpcFailure. */
  unary(method, request, { stub = this.stub, metadata = new this.grpc.Metadata() } = {}) {
    return new Promise((resolve, reject) => {
      let initial = {};
      let response;
      const call = stub[method](request, metadata, this.callOptions(), (err, value) => {
        if (err) reject(new RpcFailure(err.code, err.details, grpcMetadataObject(err.metadata)));
        else response = value;
      });
      call.on('metadata', (md) => { initial = grpcMetadataObject(md); });
      // grpc-js emits 'status' after the callback; only then are trailers known.
      call.on('status', (status) => {
        if (status.code === Status.OK) {
          resolve({ response, initial, trailing: grpcMetadataObject(status.metadata) });
        }
      });
    });
  }

  /** A client-streaming call: writes [message, flags] pairs and half-closes. */
  clientStream(method, writes, { stub = this.stub } = {}) {
    return new Promise((resolve, reject) => {
      const call = stub[method](this.callOptions(), (err, response) => {
        if (err) reject(new RpcFailure(err.code, err.details));
        else resolve(response);
      });
      for (const [message, flags] of writes) call.write(message, flags);
      call.end();
    });
  }

  echoMetadata() {
    const metadata = new this.grpc.Metadata();
    metadata.add(ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE);
    metadata.add(ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE);
    return metadata;
  }

  largeUnaryRequest(extra = {}) {
    return { response_size: 314159, payload: { body: zeros(271828) }, ...extra };
  }

  outputRequest(sizes, payloadSize, extra = {}) {
    const request = { response_parameters: sizes.map((size) => ({ size })), ...extra };
    if (payloadSize !== undefined) request.payload = { body: zeros(payloadSize) };
    return request;
  }

  /**
   * Sends one request with node:http2 and returns the response messages with
   * their compressed flags, which grpc-js does not expose.
   */
  rawCall(method, request) {
    const definition = this.pkg.TestService.service[method];
    const body = definition.requestSerialize(request);
    const frame = Buffer.alloc(5 + body.length);
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);

    return new Promise((resolve, reject) => {
      const session = http2.connect(`http://${this.target}`);
      session.on('error', reject);
      const stream = session.request({
        ':method': 'POST',
        ':path': definition.path,
        ':authority': this.authority ?? this.target,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-accept-encoding': 'gzip,deflate',
        'grpc-timeout': `${CALL_TIMEOUT_MS}m`,
      });
      let headers = {};
      let trailers = {};
      const chunks = [];
      stream.on('response', (h) => { headers = h; });
      stream.on('trailers', (t) => { trailers = t; });
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => {
        session.close();
        try {
          resolve(this.parseRawResponse(definition, headers, trailers, Buffer.concat(chunks)));
        } catch (err) {
          reject(err);
        }
      });
      stream.end(frame);
    });
  }

  /** Checks the status of a raw call and splits its body into {compressed, message} items. */
  parseRawResponse(definition, headers, trailers, data) {
    const status = Number(trailers['grpc-status'] ?? headers['grpc-status']);
    check(!Number.isNaN(status), 'raw call: response has no grpc-status');
    if (status !== Status.OK) {
      throw new RpcFailure(status, decodeURIComponent(trailers['grpc-message'] ?? headers['grpc-message'] ?? ''));
    }
    const messages = [];
    for (let at = 0; at < data.length;) {
      check(data.length - at >= 5, 'truncated gRPC message header on the wire');
      const compressed = data[at] === 1;
      const length = data.readUInt32BE(at + 1);
      check(data.length - at - 5 >= length, 'truncated gRPC message on the wire');
      let bytes = data.subarray(at + 5, at + 5 + length);
      if (compressed) {
        const encoding = headers['grpc-encoding'];
        if (encoding === 'gzip') bytes = zlib.gunzipSync(bytes);
        else if (encoding === 'deflate') bytes = zlib.inflateSync(bytes);
        else throw new TestFailure(`compressed message with grpc-encoding ${encoding}`);
      }
      messages.push({ compressed, message: definition.responseDeserialize(bytes) });
      at += 5 + length;
    }
    return messages;
  }

  // The cases, named as in the spec.

  async empty_unary() {
    const { response } = await this.unary('EmptyCall', {});
    check(response !== undefined && response !== null, 'EmptyCall returned no response');
  }

  async large_unary() {
    const { response } = await this.unary('UnaryCall', this.largeUnaryRequest());
    checkPayload(response.payload, 314159, 'UnaryCall');
  }

  async client_compressed_unary() {
    // Probe: an uncompressed request that claims to be compressed must be
    // rejected, which proves the server really checks the compressed flag.
    await expectFailure('probe (expect_compressed=true, sent uncompressed)', Status.INVALID_ARGUMENT,
      undefined, this.unary('UnaryCall', this.largeUnaryRequest({ expect_compressed: { value: true } })));
    let { response } = await this.unary('UnaryCall',
      this.largeUnaryRequest({ expect_compressed: { value: true } }), { stub: this.gzipStub() });
    checkPayload(response.payload, 314159, 'compressed UnaryCall');
    ({ response } = await this.unary('UnaryCall', this.largeUnaryRequest({ expect_compressed: { value: false } })));
    checkPayload(response.payload, 314159, 'uncompressed UnaryCall');
  }

  async server_compressed_unary() {
    for (const compressed of [true, false]) {
      const what = `UnaryCall(response_compressed=${compressed})`;
      const request = this.largeUnaryRequest({ response_compressed: { value: compressed } });
      // Through grpc-js, which must decode it...
      const { response } = await this.unary('UnaryCall', request);
      checkPayload(response.payload, 314159, what);
      // ...and on the wire, where the compressed flag is visible.
      const messages = await this.rawCall('UnaryCall', request);
      check(messages.length === 1, `${what}: got ${messages.length} messages on the wire, expected 1`);
      check(messages[0].compressed === compressed,
        `${what}: response compressed flag is ${messages[0].compressed}`);
      checkPayload(messages[0].message.payload, 314159, `${what} (wire)`);
    }
  }

  async client_streaming() {
    const writes = [27182, 8, 1828, 45904].map((n) => [{ payload: { body: zeros(n) } }]);
    const response = await this.clientStream('StreamingInputCall', writes);
    check(response.aggregated_payload_size === 74922,
      `aggregated_payload_size is ${response.aggregated_payload_size}, expected 74922`);
  }

  async client_compressed_streaming() {
    const request = (expectCompressed, size) =>
      ({ expect_compressed: { value: expectCompressed }, payload: { body: zeros(size) } });
    await expectFailure('probe (expect_compressed=true, sent uncompressed)', Status.INVALID_ARGUMENT,
      undefined, this.clientStream('StreamingInputCall', [[request(true, 27182)]]));
    // On a gzip channel, the second message opts out with the NoCompress write flag.
    const response = await this.clientStream('StreamingInputCall',
      [[request(true, 27182)], [request(false, 45904), WRITE_FLAG_NO_COMPRESS]], { stub: this.gzipStub() });
    check(response.aggregated_payload_size === 73086,
      `aggregated_payload_size is ${response.aggregated_payload_size}, expected 73086`);
  }

  async server_streaming() {
    const sizes = [31415, 9, 2653, 58979];
    const call = this.stub.StreamingOutputCall(this.outputRequest(sizes), this.callOptions());
    const { responses } = await new StreamObserver(call).finish();
    checkSizes(responses, sizes);
  }

  async server_compressed_streaming() {
    const params = [[true, 31415], [false, 92653]];
    const request = {
      response_parameters: params.map(([compressed, size]) => ({ compressed: { value: compressed }, size })),
    };
    const call = this.stub.StreamingOutputCall(request, this.callOptions());
    const { responses } = await new StreamObserver(call).finish();
    checkSizes(responses, params.map(([, size]) => size));
    const messages = await this.rawCall('StreamingOutputCall', request);
    check(messages.length === 2, `got ${messages.length} messages on the wire, expected 2`);
    params.forEach(([compressed, size], i) => {
      check(messages[i].compressed === compressed,
        `response ${i}: compressed flag is ${messages[i].compressed}, expected ${compressed}`);
      checkPayload(messages[i].message.payload, size, `response ${i} (wire)`);
    });
  }

  async ping_pong() {
    const steps = [[31415, 27182], [9, 8], [2653, 1828], [58979, 45904]];
    const call = this.stub.FullDuplexCall(this.callOptions());
    const stream = new StreamObserver(call);
    for (const [i, [responseSize, payloadSize]] of steps.entries()) {
      call.write(this.outputRequest([responseSize], payloadSize));
      const response = await stream.next();
      if (response === null) {
        const status = await stream.status;
        throw new TestFailure(`stream ended after ${i} responses (${statusName(status.code)}: ${status.details})`);
      }
      checkPayload(response.payload, responseSize, `response ${i}`);
    }
    call.end();
    const { responses } = await stream.finish();
    check(responses.length === 0, `got ${responses.length} responses after the 4th, expected none`);
  }

  async empty_stream() {
    const call = this.stub.FullDuplexCall(this.callOptions());
    const stream = new StreamObserver(call);
    call.end();
    const { responses } = await stream.finish();
    check(responses.length === 0, `got ${responses.length} responses, expected none`);
  }

  async custom_metadata() {
    const unary = await this.unary('UnaryCall', this.largeUnaryRequest(), { metadata: this.echoMetadata() });
    checkPayload(unary.response.payload, 314159, 'UnaryCall');
    checkEchoedMetadata(unary.initial, unary.trailing, 'UnaryCall');

    const call = this.stub.FullDuplexCall(this.echoMetadata(), this.callOptions());
    const stream = new StreamObserver(call);
    call.write(this.outputRequest([314159], 271828));
    call.end();
    const { responses, initial, trailing } = await stream.finish();
    checkSizes(responses, [314159], 'FullDuplexCall response');
    checkEchoedMetadata(initial, trailing, 'FullDuplexCall');
  }

  async checkEchoStatus(code, message, withFullDuplex) {
    const response_status = { code, message };
    await expectFailure('UnaryCall', code, message, this.unary('UnaryCall', { response_status }));
    if (!withFullDuplex) return;
    const call = this.stub.FullDuplexCall(this.callOptions());
    const stream = new StreamObserver(call);
    call.write({ response_status });
    call.end();
    await expectFailure('FullDuplexCall', code, message, stream.finish());
  }

  status_code_and_message() {
    return this.checkEchoStatus(Status.UNKNOWN, 'test status message', true);
  }

  special_status_message() {
    return this.checkEchoStatus(Status.UNKNOWN, SPECIAL_STATUS_MESSAGE, false);
  }

  unimplemented_method() {
    return expectFailure('TestService/UnimplementedCall', Status.UNIMPLEMENTED, undefined,
      this.unary('UnimplementedCall', {}));
  }

  unimplemented_service() {
    return expectFailure('UnimplementedService/UnimplementedCall', Status.UNIMPLEMENTED, undefined,
      this.unary('UnimplementedCall', {}, { stub: this.newStub('UnimplementedService') }));
  }

  async cancel_after_begin() {
    // Headers go out when the call starts; cancel before writing any message.
    const err = await new Promise((resolve) => {
      const call = this.stub.StreamingInputCall(this.callOptions(), (error) => resolve(error));
      call.cancel();
    });
    check(err, 'call succeeded, expected CANCELLED');
    check(err.code === Status.CANCELLED,
      `call completed with ${statusName(err.code)}: ${err.details}, expected CANCELLED`);
  }

  async cancel_after_first_response() {
    const call = this.stub.FullDuplexCall(this.callOptions());
    const stream = new StreamObserver(call);
    call.write(this.outputRequest([31415], 27182));
    const response = await stream.next();
    if (response === null) {
      const status = await stream.status;
      throw new TestFailure(`stream ended before the first response (${statusName(status.code)}: ${status.details})`);
    }
    checkPayload(response.payload, 31415, 'first response');
    call.cancel();
    const status = await stream.status;
    check(status.code === Status.CANCELLED,
      `call completed with ${statusName(status.code)}: ${status.details}, expected CANCELLED`);
  }

  async timeout_on_sleeping_server() {
    // One message, then neither half-close nor read: the 1 ms deadline must end the call.
    const call = this.stub.FullDuplexCall(this.callOptions(1));
    const stream = new StreamObserver(call);
    call.write(this.outputRequest([], 27182));
    const status = await stream.status;
    check(status.code === Status.DEADLINE_EXCEEDED,
      `call completed with ${statusName(status.code)}: ${status.details}, expected DEADLINE_EXCEEDED`);
  }
}

// ---------------------------------------------------------------------------
// Transports "grpc-web" and "grpc-web-text"
// ---------------------------------------------------------------------------

/** Compiles the interop protos into a registry of @bufbuild/protobuf descriptors. */
function loadRegistry() {
  const { createFileRegistry, fromBinary } = require('@bufbuild/protobuf');
  const { FileDescriptorSetSchema } = require('@bufbuild/protobuf/wkt');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interop-proto-'));
  try {
    const out = path.join(dir, 'test.fds');
    const protoc = spawnSync('protoc', [
      `--proto_path=${PROTO_ROOT}`, '--include_imports', `--descriptor_set_out=${out}`, TEST_PROTO,
    ], { encoding: 'utf8' });
    if (protoc.error) throw new Error(`cannot run protoc: ${protoc.error.message}`);
    if (protoc.status !== 0) throw new Error(`protoc failed: ${protoc.stderr.trim()}`);
    return createFileRegistry(fromBinary(FileDescriptorSetSchema, fs.readFileSync(out)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Headers (or a protobuf-ts metadata object) as {key: value}, -bin values base64-decoded. */
function webMetadataObject(entries) {
  const out = {};
  for (const [key, value] of entries) {
    const text = Array.isArray(value) ? value[0] : value;
    out[key.toLowerCase()] = key.toLowerCase().endsWith('-bin') ? Buffer.from(text, 'base64') : text;
  }
  return out;
}

/** gRPC-Web, binary format, through @connectrpc/connect-node. */
class ConnectWebRpc {
  constructor(registry, { baseUrl, httpVersion }) {
    const { createGrpcWebTransport } = require('@connectrpc/connect-node');
    this.connect = require('@connectrpc/connect');
    this.registry = registry;
    this.transport = createGrpcWebTransport({ baseUrl, httpVersion, useBinaryFormat: true });
    this.clients = new Map();
  }

  method(service, name) {
    if (!this.clients.has(service)) {
      this.clients.set(service, this.connect.createClient(this.registry.getService(service), this.transport));
    }
    const desc = this.registry.getService(service).methods.find((m) => m.name === name);
    return this.clients.get(service)[desc.localName];
  }

  async call(service, name, request, headers, consume) {
    let header = new Headers();
    let trailer = new Headers();
    const options = {
      headers, timeoutMs: CALL_TIMEOUT_MS, onHeader: (h) => { header = h; }, onTrailer: (t) => { trailer = t; },
    };
    try {
      const result = await consume(this.method(service, name)(request, options));
      return { result, initial: webMetadataObject(header), trailing: webMetadataObject(trailer) };
    } catch (err) {
      const ce = this.connect.ConnectError.from(err);
      throw new RpcFailure(ce.code, ce.rawMessage, webMetadataObject(ce.metadata));
    }
  }

  unary(service, name, request, headers = {}) {
    return this.call(service, name, request, headers, (promise) => promise);
  }

  serverStream(service, name, request, headers = {}) {
    return this.call(service, name, request, headers, async (stream) => {
      const responses = [];
      for await (const response of stream) responses.push(response);
      return responses;
    });
  }

  close() {}
}

/**
 * gRPC-Web, text format (base64 application/grpc-web-text), through
 * @protobuf-ts/grpcweb-transport, the maintained npm client that speaks it in
 * Node (it uses fetch; the grpc-web package's text mode needs a browser XHR).
 * Its MethodInfo only needs names and binary (de)serializers, which we take
 * from the @bufbuild/protobuf registry.
 */
class ProtobufTsWebRpc {
  constructor(registry, { baseUrl }) {
    const { GrpcWebFetchTransport } = require('@protobuf-ts/grpcweb-transport');
    this.pb = require('@bufbuild/protobuf');
    this.registry = registry;
    this.transport = new GrpcWebFetchTransport({ baseUrl, format: 'text', timeout: CALL_TIMEOUT_MS });
  }

  methodInfo(service, name) {
    const { create, toBinary, fromBinary } = this.pb;
    const desc = this.registry.getService(service).methods.find((m) => m.name === name);
    const codec = (schema) => ({
      create: (init) => create(schema, init),
      toBinary: (message) => toBinary(schema, message),
      fromBinary: (bytes) => fromBinary(schema, bytes),
    });
    return {
      service: { typeName: service },
      name,
      localName: desc.localName,
      I: codec(desc.input),
      O: codec(desc.output),
      serverStreaming: desc.methodKind === 'server_streaming',
      clientStreaming: false,
      options: {},
    };
  }

  async call(kind, service, name, request, headers, consume) {
    const method = this.methodInfo(service, name);
    const call = this.transport[kind](method, method.I.create(request),
      this.transport.mergeOptions({ meta: headers }));
    try {
      const result = await consume(call);
      const [initial, trailing] = await Promise.all([call.headers, call.trailers]);
      return {
        result,
        initial: webMetadataObject(Object.entries(initial)),
        trailing: webMetadataObject(Object.entries(trailing)),
      };
    } catch (err) {
      if (typeof err.code !== 'string') throw err;
      // protobuf-ts reports the status by name and leaves grpc-message
      // percent-encoded, as it came off the wire.
      let details = err.message;
      try { details = decodeURIComponent(details); } catch { /* not percent-encoded */ }
      throw new RpcFailure(Status[err.code] ?? Status.UNKNOWN, details,
        webMetadataObject(Object.entries(err.meta ?? {})));
    }
  }

  unary(service, name, request, headers = {}) {
    return this.call('unary', service, name, request, headers, (call) => call.response);
  }

  serverStream(service, name, request, headers = {}) {
    return this.call('serverStreaming', service, name, request, headers, async (call) => {
      const responses = [];
      for await (const response of call.responses) responses.push(response);
      return responses;
    });
  }

  close() {}
}

/** Node's fetch reports every network error as "fetch failed"; keep the cause. */
function explainFetchErrors() {
  const fetch = globalThis.fetch;
  globalThis.fetch = async (...args) => {
    try {
      return await fetch(...args);
    } catch (err) {
      if (err?.cause?.message) err.message = `${err.message}: ${err.cause.message}`;
      throw err;
    }
  };
}

const TEST_SERVICE = 'grpc.testing.TestService';

class WebCases {
  static CASES = [
    'empty_unary', 'large_unary', 'server_streaming', 'custom_metadata',
    'status_code_and_message', 'special_status_message', 'unimplemented_method',
    'unimplemented_service',
  ];

  constructor({ host, port, transport, httpVersion }) {
    const registry = loadRegistry();
    const baseUrl = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
    if (transport === 'grpc-web') {
      this.rpc = new ConnectWebRpc(registry, { baseUrl, httpVersion });
    } else {
      explainFetchErrors();
      this.rpc = new ProtobufTsWebRpc(registry, { baseUrl });
    }
  }

  close() {
    this.rpc.close();
  }

  largeUnaryRequest() {
    return { responseSize: 314159, payload: { body: zeros(271828) } };
  }

  echoHeaders() {
    return {
      [ECHO_INITIAL_KEY]: ECHO_INITIAL_VALUE,
      [ECHO_TRAILING_KEY]: ECHO_TRAILING_VALUE.toString('base64'),
    };
  }

  async empty_unary() {
    const { result } = await this.rpc.unary(TEST_SERVICE, 'EmptyCall', {});
    check(result !== undefined && result !== null, 'EmptyCall returned no response');
  }

  async large_unary() {
    const { result } = await this.rpc.unary(TEST_SERVICE, 'UnaryCall', this.largeUnaryRequest());
    checkPayload(result.payload, 314159, 'UnaryCall');
  }

  async server_streaming() {
    const sizes = [31415, 9, 2653, 58979];
    const { result } = await this.rpc.serverStream(TEST_SERVICE, 'StreamingOutputCall',
      { responseParameters: sizes.map((size) => ({ size })) });
    checkSizes(result, sizes);
  }

  // gRPC-Web has no client or bidi streaming, so the FullDuplexCall step of
  // the spec is done with StreamingOutputCall (server streaming) instead.
  async custom_metadata() {
    const unary = await this.rpc.unary(TEST_SERVICE, 'UnaryCall', this.largeUnaryRequest(), this.echoHeaders());
    checkPayload(unary.result.payload, 314159, 'UnaryCall');
    checkEchoedMetadata(unary.initial, unary.trailing, 'UnaryCall');

    const stream = await this.rpc.serverStream(TEST_SERVICE, 'StreamingOutputCall', {
      responseParameters: [{ size: 314159 }], payload: { body: zeros(271828) },
    }, this.echoHeaders());
    checkSizes(stream.result, [314159], 'StreamingOutputCall response');
    checkEchoedMetadata(stream.initial, stream.trailing, 'StreamingOutputCall');
  }

  checkEchoStatus(code, message) {
    return expectFailure('UnaryCall', code, message,
      this.rpc.unary(TEST_SERVICE, 'UnaryCall', { responseStatus: { code, message } }));
  }

  status_code_and_message() {
    return this.checkEchoStatus(Status.UNKNOWN, 'test status message');
  }

  special_status_message() {
    return this.checkEchoStatus(Status.UNKNOWN, SPECIAL_STATUS_MESSAGE);
  }

  unimplemented_method() {
    return expectFailure('TestService/UnimplementedCall', Status.UNIMPLEMENTED, undefined,
      this.rpc.unary(TEST_SERVICE, 'UnimplementedCall', {}));
  }

  unimplemented_service() {
    return expectFailure('UnimplementedService/UnimplementedCall', Status.UNIMPLEMENTED, undefined,
      this.rpc.unary('grpc.testing.UnimplementedService', 'UnimplementedCall', {}));
  }
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

const oneLine = (text) => String(text).split(/\s+/).filter(Boolean).join(' ') || '(no detail)';

class UsageError extends Error {}

function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        server_host: { type: 'string', default: '127.0.0.1' },
        server_host_override: { type: 'string' },
        server_port: { type: 'string' },
        test_case: { type: 'string' },
        transport: { type: 'string', default: 'grpc' },
        http_version: { type: 'string', default: '1.1' },
        use_tls: { type: 'string', default: 'false' },
      },
    }));
  } catch (err) {
    throw new UsageError(err.message);
  }
  const port = Number(values.server_port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new UsageError('--server_port must be a port number');
  }
  if (!['grpc', 'grpc-web', 'grpc-web-text'].includes(values.transport)) {
    throw new UsageError('--transport must be grpc, grpc-web or grpc-web-text');
  }
  if (!['1.1', '2'].includes(values.http_version)) {
    throw new UsageError('--http_version must be 1.1 or 2');
  }
  if (values.transport === 'grpc-web-text' && values.http_version !== '1.1') {
    throw new UsageError('--transport grpc-web-text runs over HTTP/1.1 only (Node fetch)');
  }
  if (values.use_tls !== 'false') throw new UsageError('only plaintext is supported (--use_tls=false)');
  const cases = values.transport === 'grpc' ? GrpcCases.CASES : WebCases.CASES;
  if (values.test_case !== 'all' && !cases.includes(values.test_case)) {
    throw new UsageError(`--test_case must be one of: ${cases.join(', ')}, or all ` +
      `(transport ${values.transport})`);
  }
  return { ...values, port, cases };
}

async function runCase(runner, name) {
  try {
    await runner[name]();
    return null;
  } catch (err) {
    if (err instanceof TestFailure) return err.message;
    if (err instanceof RpcFailure) return `unexpected RPC failure: ${err.message}`;
    return `unexpected ${err?.name ?? 'error'}: ${err?.message ?? err}`;
  }
}

async function main(argv) {
  let args;
  try {
    args = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`usage error: ${err.message}\n`);
    return 2;
  }

  let runner;
  try {
    if (args.transport === 'grpc') {
      const host = args.server_host.includes(':') && !args.server_host.startsWith('[')
        ? `[${args.server_host}]` : args.server_host;
      runner = new GrpcCases({ target: `${host}:${args.port}`, authority: args.server_host_override });
    } else {
      runner = new WebCases({
        host: args.server_host, port: args.port, transport: args.transport, httpVersion: args.http_version,
      });
    }
  } catch (err) {
    process.stderr.write(`FAIL ${args.test_case}: cannot set up client: ${oneLine(err.message)}\n`);
    return 1;
  }

  try {
    if (args.test_case !== 'all') {
      const reason = await runCase(runner, args.test_case);
      if (reason !== null) {
        process.stderr.write(`FAIL ${args.test_case}: ${oneLine(reason)}\n`);
        return 1;
      }
      process.stdout.write(`PASS ${args.test_case}\n`);
      return 0;
    }
    let failed = 0;
    for (const name of args.cases) {
      const reason = await runCase(runner, name);
      if (reason === null) {
        process.stdout.write(`PASS ${name}\n`);
      } else {
        failed += 1;
        process.stdout.write(`FAIL ${name}: ${oneLine(reason)}\n`);
      }
    }
    process.stdout.write(`${args.cases.length - failed} passed, ${failed} failed\n`);
    return failed ? 1 : 0;
  } finally {
    runner.close();
  }
}

// connect-node can emit 'error' on a pooled HTTP/2 session that nobody listens
// to after the call using it has already failed (seen when h2c meets an
// HTTP/1.1-only port).  The call reports that failure itself, so keep such a
// stray event from killing the remaining cases; a run that otherwise passed
// still fails on it.
const strayErrors = [];
process.on('uncaughtException', (err) => strayErrors.push(err));

function exitCode(code) {
  if (code === 0 && strayErrors.length > 0) {
    process.stderr.write(`FAIL: uncaught client error: ${oneLine(strayErrors[0]?.message ?? strayErrors[0])}\n`);
    return 1;
  }
  return code;
}

// Exit explicitly: pooled HTTP/2 sessions would otherwise keep the process alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(exitCode(code)),
  (err) => {
    process.stderr.write(`FAIL: client error: ${oneLine(err?.stack ?? err)}\n`);
    process.exit(1);
  },
);
