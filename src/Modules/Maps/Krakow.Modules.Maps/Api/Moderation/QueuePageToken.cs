using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Application.Moderation;

namespace Krakow.Modules.Maps.Api.Moderation;

/// <summary>The queue's page token: where the previous page ended (time queued, in ticks, and application id). Not secret: moderators only.</summary>
internal static class QueuePageToken
{
    public static string Encode(QueueCursor cursor) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"q1:{cursor.QueuedAt.Ticks.ToString(CultureInfo.InvariantCulture)}:{cursor.ApplicationId}"));

    public static QueueCursor? Decode(string token, FieldViolations violations)
    {
        if (token.Length == 0)
        {
            return null;
        }

        if (token.Length <= 256 && Base64Url.IsValid(token))
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(':');
            if (parts.Length == 3 && parts[0] == "q1"
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks is >= 0 and <= 3155378975999999999 && parts[2].Length > 0)
            {
                return new QueueCursor(new DateTime(ticks, DateTimeKind.Utc), parts[2]);
            }
        }

        violations.Add("page_token", "is not a token this service issued");
        return null;
    }
}
