using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Reflection.V1;

namespace Grpc.Reflection.Internal;

/// <summary>Answers one reflection request (in its v1 form) from a snapshot of the server's services.</summary>
internal static class ReflectionResponder
{
    public static ServerReflectionResponse Respond(ServerReflectionRequest request, ReflectionSnapshot snapshot)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                list.Service.AddRange(snapshot.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                response.ListServicesResponse = list;
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFile(response, Index(snapshot).FindFileByName(request.FileByFilename), $"File not found: {request.FileByFilename}");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFile(response, Index(snapshot).FindFileContainingSymbol(request.FileContainingSymbol), $"Symbol not found: {request.FileContainingSymbol}");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFile(
                    response,
                    Index(snapshot).FindFileContainingExtension(extension.ContainingType, extension.ExtensionNumber),
                    $"Extension not found: {extension.ContainingType}({extension.ExtensionNumber})");
                break;

            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var type = request.AllExtensionNumbersOfType;
                var numbers = Index(snapshot).FindExtensionNumbers(type);
                if (numbers is null)
                {
                    SetError(response, StatusCode.NotFound, $"Type not found: {type}");
                }
                else
                {
                    var numbersResponse = new ExtensionNumberResponse { BaseTypeName = type };
                    numbersResponse.ExtensionNumber.AddRange(numbers);
                    response.AllExtensionNumbersResponse = numbersResponse;
                }

                break;

            default:
                SetError(response, StatusCode.InvalidArgument, "The request sets none of the message_request fields this server knows.");
                break;
        }

        return response;
    }

    private static DescriptorIndex Index(ReflectionSnapshot snapshot) => DescriptorIndex.Build(snapshot.Descriptors);

    /// <summary>
    /// The file and all its imports, each serialized once. Every response is complete on its own: files sent
    /// earlier on the same stream are sent again, which every client accepts.
    /// </summary>
    private static void SetFile(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        var files = new FileDescriptorResponse();
        files.FileDescriptorProto.AddRange(DescriptorIndex.WithTransitiveImports(file).Select(SerializedProto));
        response.FileDescriptorResponse = files;
    }

    // The FileDescriptorProto exactly as protoc produced it and the generated code embeds it.
    private static ByteString SerializedProto(FileDescriptor file) => file.SerializedData;

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
