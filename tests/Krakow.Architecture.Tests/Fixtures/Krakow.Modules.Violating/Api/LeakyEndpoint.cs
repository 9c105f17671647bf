namespace Krakow.Modules.Violating.Api;

/// <summary>Rule 7: a public type that is not the entry type. The fixture host reaches it (rule 3).</summary>
public static class LeakyEndpoint
{
    public static int Ping() => 42;
}
