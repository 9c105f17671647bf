#!/usr/bin/env node
'use strict';
/**
 * A partner municipality's portal, as its developers would write it in Node.js: @grpc/grpc-js with the
 * platform's own .proto files loaded by @grpc/proto-loader, an API key in the "authorization" metadata, and
 * google.rpc error details read from "grpc-status-details-bin".
 *
 * Usage:
 *   node partner_portal.js --address HOST:PORT --api-key KEY --municipality TERYT --other-municipality TERYT
 *
 * It walks through what a portal does (registry, declaration, campaigns, an application on a business's behalf,
 * the GeoJSON export) and prints one JSON object with what it observed; the Kraków Platform tests judge it.
 * Exit code 0 when every call got an answer (success or a gRPC status), 1 on anything else.
 */

const { parseArgs } = require('node:util');
const path = require('node:path');
const crypto = require('node:crypto');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const PROTO_ROOT = path.resolve(__dirname, '../../../../protos');
const PROTOS = [
  'krakow/metropolis/v1/members.proto',
  'krakow/metropolis/v1/declarations.proto',
  'krakow/maps/v1/campaigns.proto',
  'krakow/maps/v1/applications.proto',
  'krakow/maps/v1/listings.proto',
];
const CALL_TIMEOUT_MS = 30000;

// google.rpc.Status and google.rpc.BadRequest, declared by their wire schema (field numbers from googleapis).
const rpcTypes = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: { nested: { Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            BadRequest: {
              fields: { field_violations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: {
                FieldViolation: {
                  fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } },
                },
              },
            },
          },
        },
      },
    },
  },
});
const RpcStatus = rpcTypes.lookupType('google.rpc.Status');
const BadRequest = rpcTypes.lookupType('google.rpc.BadRequest');

function parseOptions() {
  const { values } = parseArgs({
    options: {
      address: { type: 'string' },
      'api-key': { type: 'string' },
      municipality: { type: 'string' },
      'other-municipality': { type: 'string' },
    },
  });
  for (const name of ['address', 'api-key', 'municipality', 'other-municipality']) {
    if (!values[name]) {
      console.error(`missing --${name}`);
      process.exit(2);
    }
  }
  return values;
}

function loadApi() {
  const definition = protoLoader.loadSync(PROTOS, {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).krakow;
}

/** Calls a unary method; resolves with { ok: true, reply } or { ok: false, error } for a gRPC status. */
function unary(client, method, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve) => {
    client[method](request, metadata, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, reply) => {
      resolve(error ? { ok: false, error: describeError(error) } : { ok: true, reply });
    });
  });
}

/** A gRPC error as the portal shows it: code name, message, and the field violations of a BadRequest detail. */
function describeError(error) {
  if (typeof error.code !== 'number') {
    throw error;
  }
  const described = { code: grpc.status[error.code], message: error.details, violations: [] };
  const [details] = error.metadata?.get('grpc-status-details-bin') ?? [];
  if (details) {
    const status = RpcStatus.decode(details);
    for (const any of status.details) {
      if (any.type_url === 'type.googleapis.com/google.rpc.BadRequest') {
        described.violations.push(...BadRequest.decode(any.value).field_violations.map((v) => v.field));
      }
    }
  }
  return described;
}

function withKey(apiKey) {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${apiKey}`);
  return metadata;
}

/** Reads a server stream of GeoJSON chunks to the end and parses what they spell. */
function exportCampaign(client, campaignId) {
  return new Promise((resolve) => {
    const chunks = [];
    const call = client.ExportCampaign({ campaign_id: campaignId }, new grpc.Metadata(), { deadline: Date.now() + CALL_TIMEOUT_MS });
    let failed = false;
    call.on('data', (chunk) => chunks.push(chunk.data));
    // grpc-js ends the stream after an error too: only a stream that ended without one is a document.
    call.on('error', (error) => {
      failed = true;
      resolve({ ok: false, error: describeError(error) });
    });
    call.on('end', () => {
      if (!failed) {
        resolve({ ok: true, chunks: chunks.length, geojson: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      }
    });
  });
}

function businessAnswers(name) {
  return {
    business_name: { text: name },
    category: { text: 'retail' },
    location: { point: { latitude: 50.0617, longitude: 19.9373 } },
    address: { address: { street: 'Rynek Główny', building_number: '1', postal_code: '31-042', city: 'Kraków' } },
    description: { text: 'Rękodzieło z Małopolski.' },
    website: { text: 'https://rekodzielo.example.pl/' },
    phone: { text: '+48 12 616 12 34' },
    email: { text: 'biuro@rekodzielo.example.pl' },
    orders_online: { boolean: true },
    delivers: { boolean: false },
  };
}

async function main() {
  const options = parseOptions();
  const api = loadApi();
  const credentials = grpc.credentials.createInsecure();
  const connect = (Service) => new Service(options.address, credentials);
  const members = connect(api.metropolis.v1.MembersRegistry);
  const declarations = connect(api.metropolis.v1.Declarations);
  const campaigns = connect(api.maps.v1.Campaigns);
  const applications = connect(api.maps.v1.Applications);
  const listings = connect(api.maps.v1.Listings);
  const key = withKey(options['api-key']);
  const report = {};

  const registry = await unary(members, 'ListMembers', {});
  report.members = registry.ok ? registry.reply.members.map((m) => m.id) : registry.error;
  report.members_with_revoked_key = (await unary(members, 'ListMembers', {}, withKey(`revoked-${options['api-key']}`))).error;

  const declared = await unary(declarations, 'ListDeclarations', {});
  const declarationId = declared.ok ? declared.reply.declarations[0]?.id : undefined;
  report.declaration = declarationId ?? declared.error;

  const sign = (municipality) => ({ declaration_id: declarationId, municipality_id: municipality, signed_by: 'Wójt' });
  const signed = await unary(declarations, 'SignDeclaration', sign(options.municipality), key);
  report.signed = signed.ok ? { municipality: signed.reply.municipality_id, signed_by: signed.reply.signed_by, has_time: signed.reply.signed_at !== null } : signed.error;
  report.sign_for_another = (await unary(declarations, 'SignDeclaration', sign(options['other-municipality']), key)).error;
  report.sign_anonymously = (await unary(declarations, 'SignDeclaration', sign(options.municipality))).error;
  report.sign_nothing = (await unary(declarations, 'SignDeclaration', {}, key)).error;
  const signatories = await unary(declarations, 'ListSignatories', { declaration_id: declarationId });
  report.signatories = signatories.ok ? signatories.reply.signatures.map((s) => s.municipality_id) : signatories.error;

  const listed = await unary(campaigns, 'ListCampaigns', {});
  report.campaigns = listed.ok ? listed.reply.campaigns.map((c) => ({ id: c.id, status: c.status, survey_fields: c.survey?.fields?.length ?? 0 })) : listed.error;

  // One application on a business's behalf; the retry a flaky network causes carries the same idempotency key.
  const submission = { campaign_id: 'im-active', idempotency_key: crypto.randomUUID(), answers: businessAnswers('Rękodzieło Małopolskie') };
  const submitted = await unary(applications, 'SubmitApplication', submission, withKey(options['api-key']));
  const retried = await unary(applications, 'SubmitApplication', submission, withKey(options['api-key']));
  if (submitted.ok) {
    const { application, edit_token: editToken } = submitted.reply;
    const fetched = await unary(applications, 'GetApplication', { application_id: application.id, edit_token: editToken }, key);
    const badEmail = { ...businessAnswers('Rękodzieło Małopolskie'), email: { text: 'not an address' } };
    const updated = await unary(applications, 'UpdateApplication', { application_id: application.id, edit_token: editToken, answers: badEmail }, key);
    const forged = await unary(applications, 'GetApplication', { application_id: application.id, edit_token: editToken.slice(0, -2) + 'xx' }, key);
    report.application = {
      status: application.status,
      retried_same: retried.ok && retried.reply.application.id === application.id,
      fetched_name: fetched.ok ? fetched.reply.answers.business_name.text : fetched.error,
      update_with_bad_email: updated.error,
      forged_token: forged.error,
    };
  } else {
    report.application = submitted.error;
  }

  const nearby = await unary(listings, 'SearchNearby', { center: { latitude: 50.0617, longitude: 19.9373 }, radius_meters: 2000, page_size: 10 });
  report.nearby = nearby.ok ? { hits: nearby.reply.hits.length } : nearby.error;
  const exported = await exportCampaign(listings, 'im-active');
  report.export = exported.ok ? { type: exported.geojson.type, features: exported.geojson.features.length, chunks: exported.chunks } : exported.error;
  report.export_unknown = (await exportCampaign(listings, 'no-such-campaign')).error;

  console.log(JSON.stringify(report));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error?.stack ?? String(error));
    process.exit(1);
  },
);
