using System.Runtime.CompilerServices;

// The protocol helpers are shared with the server and the client runtime, not with applications.
[assembly: InternalsVisibleTo("Krakow.Grpc.AspNetCore")]
[assembly: InternalsVisibleTo("Krakow.Grpc.Net.Client")]
[assembly: InternalsVisibleTo("Krakow.Grpc.Tests")]
