#!/usr/bin/python3
"""A partner municipality's portal, as its developers would write it in Python.

grpcio (the gRPC C-core) with stubs that grpc_tools.protoc generates from the platform's own .proto files at
start-up, an API key in the "authorization" metadata, and google.rpc error details read from
"grpc-status-details-bin".

Usage:
  partner_portal.py --address HOST:PORT --api-key KEY --municipality TERYT --other-municipality TERYT

It walks through what a portal does (registry, declaration, campaigns, an application on a business's behalf,
the GeoJSON export) and prints one JSON object with what it observed; the Kraków Platform tests judge it (the
same report as partner_portal.js of the Node client). Exit code 0 when every call got an answer (success or a
gRPC status), 1 on anything else.

Run it with /usr/bin/python3: that is the interpreter Debian's python3-grpcio and python3-grpc-tools are
installed for.
"""

import argparse
import importlib
import json
import os
import sys
import tempfile
import uuid

try:
    import grpc
    from grpc_tools import protoc
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError as _err:  # e.g. run with a python3 that lacks Debian's grpcio
    sys.exit("FAIL: %s (run with /usr/bin/python3 after scripts/install-test-deps.sh)" % _err)

PROTO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "protos"))
PROTOS = [
    "krakow/common/v1/localized.proto",
    "krakow/metropolis/v1/members.proto",
    "krakow/metropolis/v1/declarations.proto",
    "krakow/maps/v1/geo.proto",
    "krakow/maps/v1/campaigns.proto",
    "krakow/maps/v1/applications.proto",
    "krakow/maps/v1/listings.proto",
]
CALL_TIMEOUT_S = 30


def generate_stubs(out_dir):
    """Runs protoc (with the gRPC Python plugin) over the platform's protos, as a partner's build would."""
    well_known = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    arguments = ["protoc", "-I" + PROTO_ROOT, "-I" + well_known, "--python_out=" + out_dir, "--grpc_python_out=" + out_dir]
    if protoc.main(arguments + PROTOS) != 0:
        sys.exit("FAIL: protoc could not compile the platform's protos")
    sys.path.insert(0, out_dir)


def rpc_error_types():
    """google.rpc.Status and google.rpc.BadRequest, declared by their wire schema (field numbers from googleapis)."""
    pool = descriptor_pool.DescriptorPool()
    any_file = descriptor_pb2.FileDescriptorProto(name="any_for_details.proto", package="google.protobuf", syntax="proto3")
    any_type = any_file.message_type.add(name="Any")
    any_type.field.add(name="type_url", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING)
    any_type.field.add(name="value", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_BYTES)
    pool.Add(any_file)
    rpc_file = descriptor_pb2.FileDescriptorProto(
        name="rpc_details.proto", package="google.rpc", syntax="proto3", dependency=["any_for_details.proto"])
    status = rpc_file.message_type.add(name="Status")
    status.field.add(name="code", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT32)
    status.field.add(name="message", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING)
    status.field.add(name="details", number=3, type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
                     label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED, type_name=".google.protobuf.Any")
    bad_request = rpc_file.message_type.add(name="BadRequest")
    violation = bad_request.nested_type.add(name="FieldViolation")
    violation.field.add(name="field", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING)
    violation.field.add(name="description", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING)
    bad_request.field.add(name="field_violations", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
                          label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED,
                          type_name=".google.rpc.BadRequest.FieldViolation")
    pool.Add(rpc_file)
    # protobuf 4.21 (Debian 12) has MessageFactory.GetPrototype; newer releases replace it with GetMessageClass.
    message_class = getattr(message_factory, "GetMessageClass", None) or message_factory.MessageFactory(pool).GetPrototype
    return (message_class(pool.FindMessageTypeByName("google.rpc.Status")),
            message_class(pool.FindMessageTypeByName("google.rpc.BadRequest")))


RpcStatus, BadRequest = rpc_error_types()


def describe_error(error):
    """A gRPC error as the portal shows it: code name, message, and the field violations of a BadRequest detail."""
    described = {"code": error.code().name, "message": error.details(), "violations": []}
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            for detail in RpcStatus.FromString(value).details:
                if detail.type_url == "type.googleapis.com/google.rpc.BadRequest":
                    described["violations"] += [v.field for v in BadRequest.FromString(detail.value).field_violations]
    return described


def call(method, request, key=None):
    """Calls a unary method: (True, reply), or (False, the error as described) for a gRPC status."""
    metadata = (("authorization", "Bearer " + key),) if key else None
    try:
        return True, method(request, metadata=metadata, timeout=CALL_TIMEOUT_S)
    except grpc.RpcError as error:
        return False, describe_error(error)


def refusal(outcome):
    ok, value = outcome
    return None if ok else value


def business_answers(applications_pb, geo_pb, name):
    answer = applications_pb.AnswerValue
    return {
        "business_name": answer(text=name),
        "category": answer(text="retail"),
        "location": answer(point=geo_pb.GeoPoint(latitude=50.0617, longitude=19.9373)),
        "address": answer(address=geo_pb.Address(street="Rynek Główny", building_number="1", postal_code="31-042", city="Kraków")),
        "description": answer(text="Rękodzieło z Małopolski."),
        "website": answer(text="https://rekodzielo.example.pl/"),
        "phone": answer(text="+48 12 616 12 34"),
        "email": answer(text="biuro@rekodzielo.example.pl"),
        "orders_online": answer(boolean=True),
        "delivers": answer(boolean=False),
    }


def export_campaign(listings, listings_pb, campaign_id):
    try:
        chunks = [c.data for c in listings.ExportCampaign(listings_pb.ExportCampaignRequest(campaign_id=campaign_id), timeout=CALL_TIMEOUT_S)]
        return True, {"chunks": len(chunks), "geojson": json.loads(b"".join(chunks).decode("utf-8"))}
    except grpc.RpcError as error:
        return False, describe_error(error)


def main():
    parser = argparse.ArgumentParser()
    for name in ("--address", "--api-key", "--municipality", "--other-municipality"):
        parser.add_argument(name, required=True)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as out_dir:
        generate_stubs(out_dir)
        members_pb = importlib.import_module("krakow.metropolis.v1.members_pb2")
        members_grpc = importlib.import_module("krakow.metropolis.v1.members_pb2_grpc")
        declarations_pb = importlib.import_module("krakow.metropolis.v1.declarations_pb2")
        declarations_grpc = importlib.import_module("krakow.metropolis.v1.declarations_pb2_grpc")
        campaigns_pb = importlib.import_module("krakow.maps.v1.campaigns_pb2")
        campaigns_grpc = importlib.import_module("krakow.maps.v1.campaigns_pb2_grpc")
        applications_pb = importlib.import_module("krakow.maps.v1.applications_pb2")
        applications_grpc = importlib.import_module("krakow.maps.v1.applications_pb2_grpc")
        listings_pb = importlib.import_module("krakow.maps.v1.listings_pb2")
        listings_grpc = importlib.import_module("krakow.maps.v1.listings_pb2_grpc")
        geo_pb = importlib.import_module("krakow.maps.v1.geo_pb2")

    with grpc.insecure_channel(options.address) as channel:
        members = members_grpc.MembersRegistryStub(channel)
        declarations = declarations_grpc.DeclarationsStub(channel)
        campaigns = campaigns_grpc.CampaignsStub(channel)
        applications = applications_grpc.ApplicationsStub(channel)
        listings = listings_grpc.ListingsStub(channel)
        key = options.api_key
        report = {}

        ok, registry = call(members.ListMembers, members_pb.ListMembersRequest())
        report["members"] = [m.id for m in registry.members] if ok else registry
        report["members_with_revoked_key"] = refusal(call(members.ListMembers, members_pb.ListMembersRequest(), "revoked-" + key))

        ok, declared = call(declarations.ListDeclarations, declarations_pb.ListDeclarationsRequest())
        declaration_id = declared.declarations[0].id if ok and declared.declarations else None
        report["declaration"] = declaration_id if ok else declared

        def sign(municipality):
            return declarations_pb.SignDeclarationRequest(declaration_id=declaration_id, municipality_id=municipality, signed_by="Wójt")

        ok, signed = call(declarations.SignDeclaration, sign(options.municipality), key)
        report["signed"] = {"municipality": signed.municipality_id, "signed_by": signed.signed_by,
                            "has_time": signed.HasField("signed_at")} if ok else signed
        report["sign_for_another"] = refusal(call(declarations.SignDeclaration, sign(options.other_municipality), key))
        report["sign_anonymously"] = refusal(call(declarations.SignDeclaration, sign(options.municipality)))
        report["sign_nothing"] = refusal(call(declarations.SignDeclaration, declarations_pb.SignDeclarationRequest(), key))
        ok, signatories = call(declarations.ListSignatories, declarations_pb.ListSignatoriesRequest(declaration_id=declaration_id))
        report["signatories"] = [s.municipality_id for s in signatories.signatures] if ok else signatories

        ok, listed = call(campaigns.ListCampaigns, campaigns_pb.ListCampaignsRequest())
        report["campaigns"] = [{"id": c.id, "status": campaigns_pb.CampaignStatus.Name(c.status), "survey_fields": len(c.survey.fields)}
                               for c in listed.campaigns] if ok else listed

        # One application on a business's behalf; the retry a flaky network causes carries the same idempotency key.
        submission = applications_pb.SubmitApplicationRequest(
            campaign_id="im-active", idempotency_key=str(uuid.uuid4()), answers=business_answers(applications_pb, geo_pb, "Rękodzieło Małopolskie"))
        ok, submitted = call(applications.SubmitApplication, submission, key)
        retried_ok, retried = call(applications.SubmitApplication, submission, key)
        if ok:
            application, edit_token = submitted.application, submitted.edit_token
            fetched_ok, fetched = call(applications.GetApplication, applications_pb.ApplicationRef(application_id=application.id, edit_token=edit_token), key)
            bad_email = business_answers(applications_pb, geo_pb, "Rękodzieło Małopolskie")
            bad_email["email"] = applications_pb.AnswerValue(text="not an address")
            updated = call(applications.UpdateApplication, applications_pb.UpdateApplicationRequest(
                application_id=application.id, edit_token=edit_token, answers=bad_email), key)
            forged = call(applications.GetApplication, applications_pb.ApplicationRef(application_id=application.id, edit_token=edit_token[:-2] + "xx"), key)
            report["application"] = {
                "status": applications_pb.ApplicationStatus.Name(application.status),
                "retried_same": retried_ok and retried.application.id == application.id,
                "fetched_name": fetched.answers["business_name"].text if fetched_ok else fetched,
                "update_with_bad_email": refusal(updated),
                "forged_token": refusal(forged),
            }
        else:
            report["application"] = submitted

        nearby_request = listings_pb.SearchNearbyRequest(center=geo_pb.GeoPoint(latitude=50.0617, longitude=19.9373), radius_meters=2000, page_size=10)
        ok, nearby = call(listings.SearchNearby, nearby_request)
        report["nearby"] = {"hits": len(nearby.hits)} if ok else nearby
        ok, exported = export_campaign(listings, listings_pb, "im-active")
        report["export"] = {"type": exported["geojson"]["type"], "features": len(exported["geojson"]["features"]),
                            "chunks": exported["chunks"]} if ok else exported
        report["export_unknown"] = refusal(export_campaign(listings, listings_pb, "no-such-campaign"))

    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
