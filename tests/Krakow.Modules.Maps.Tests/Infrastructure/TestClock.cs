namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>
/// The host's clock, set to any instant and running on from there in real time. Timers and timestamps stay the
/// system's, so the platform's background work (outbox, cache) keeps running while a test travels in time.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private TimeSpan offset;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;

    /// <summary>Makes "now" <paramref name="instant"/>.</summary>
    public void Set(DateTimeOffset instant) => offset = instant - System.GetUtcNow();
}
