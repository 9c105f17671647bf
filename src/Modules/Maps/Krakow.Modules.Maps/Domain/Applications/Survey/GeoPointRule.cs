using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>A WGS 84 position: latitude −90..90 and longitude −180..180 degrees, both finite.</summary>
internal sealed class GeoPointRule : IAnswerRule
{
    public AnswerKind Expects => AnswerKind.Point;

    public Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations)
    {
        var point = answer.Point!.Value;
        var valid = InRange(point.Latitude, 90, path + ".latitude", violations);
        valid &= InRange(point.Longitude, 180, path + ".longitude", violations);
        return valid ? answer : null;
    }

    private static bool InRange(double degrees, double limit, string path, AnswerViolations violations)
    {
        if (double.IsFinite(degrees) && degrees >= -limit && degrees <= limit)
        {
            return true;
        }

        violations.Add(path, $"must be a number of degrees from -{limit} to {limit}");
        return false;
    }
}
