using Krakow.Modules.Maps.Domain.Images;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>Image questions: the id of an offer image uploaded to this very application (UploadOfferImage).</summary>
internal sealed class ImageRule : IAnswerRule
{
    public AnswerKind Expects => AnswerKind.Image;

    public Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations)
    {
        var id = answer.ImageId!.Trim();
        if (!ImageId.IsValid(id) || !context.UploadedImageIds.Contains(id))
        {
            violations.Add(path, "must be the image_id of an image uploaded to this application (UploadOfferImage)");
            return null;
        }

        return Answer.OfImage(id);
    }
}
