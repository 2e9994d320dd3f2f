using ThreatScorer.Core.Models;
using ThreatScorer.Encoders;
using ThreatScorer.Tests.TestSupport;
using Xunit.Abstractions;

namespace ThreatScorer.Tests.Encoders;

/// <summary>The committed teacher (models/stance-teacher), loaded over the packaged encoder: runs on a clean clone.</summary>
public sealed class StanceTeacherTests(EncoderFixture fixture, ITestOutputHelper output) : IClassFixture<EncoderFixture>
{
    private static string TeacherDirectory(string version) => Path.Combine(RepoPaths.Models, StanceTeacher.TaskName, version);

    private static StanceInput Mention(string sentence, string target) =>
        new(sentence, sentence.IndexOf(target, StringComparison.Ordinal), sentence.IndexOf(target, StringComparison.Ordinal) + target.Length);

    [Theory]
    [InlineData("stance-teacher-20261128-47bf803a", true)]
    [InlineData("stance-teacher-20261128-8b29d9d2", false)]
    public void Teacher_ScoresClearCases_AndOnlyTheMaskedOneKeepsTheProtectorOffNegative(string version, bool masked)
    {
        var teacher = StanceTeacher.Load(TeacherDirectory(version), fixture.Encoder);
        const string seed = "Russia vows to shield Tajikistan as threat of Taliban sponsored terrorism rises";
        var inputs = new[]
        {
            Mention(seed, "Russia"),
            Mention(seed, "Taliban"),
            Mention("Islamic State militants massacred dozens of villagers in northern Mali.", "Islamic State"),
            Mention("The United Nations delivered food and clean water to flood victims in Pakistan.", "United Nations"),
        };

        var predictions = teacher.PredictBatch(inputs, null, CancellationToken.None);

        for (var i = 0; i < inputs.Length; i++)
        {
            output.WriteLine($"{inputs[i].Sentence[inputs[i].From..inputs[i].To]}: {predictions[i].Label} {predictions[i].PolarityScore:F2}");
        }

        // Unmasked, the headline's threat tone leaks into the protector (Russia −0.24); masked it does not (+0.05).
        Assert.Equal(masked, predictions[0].Label != PolarityLabels.Negative);
        Assert.True(predictions[1].PolarityScore < predictions[0].PolarityScore, "the Taliban must score below their target's protector");
        Assert.Equal(PolarityLabels.Negative, predictions[2].Label);
        Assert.NotEqual(PolarityLabels.Negative, predictions[3].Label);
    }
}
