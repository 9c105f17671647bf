using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

/// <summary>
/// Diagnostics only (--alloc-profile): listens to the runtime's AllocationSampled events (.NET 10: every allocated
/// byte has the same chance, about 1 in 100 KB, to be sampled, so the samples of a type are proportional to the
/// bytes allocated as that type) and counts them by type. It shows which types make up the bytes allocated per
/// call; it costs throughput, so timed runs go without it.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords AllocationSamplingKeyword = (EventKeywords)0x80000000000;
    private readonly ConcurrentDictionary<string, long> bytesByType = new(StringComparer.Ordinal);

    public void Reset() => bytesByType.Clear();

    public string Report()
    {
        var total = bytesByType.Values.Sum();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"samples: {total}\n");
        foreach (var (type, bytes) in bytesByType.OrderByDescending(p => p.Value).Take(40))
        {
            text.Append(CultureInfo.InvariantCulture, $"{100.0 * bytes / Math.Max(total, 1),6:F1}%  {type}\n");
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, AllocationSamplingKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName != "AllocationSampled" || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is >= 0 and var t ? eventData.Payload[t] as string ?? "?" : "?";
        var size = names.IndexOf("ObjectSize") is >= 0 and var o ? Convert.ToInt64(eventData.Payload[o], CultureInfo.InvariantCulture) : 0;
        bytesByType.AddOrUpdate(type + " (" + size.ToString(CultureInfo.InvariantCulture) + " B)", 1, (_, count) => count + 1);
    }
}
