using ThreatScorer.Core.Models;
using ThreatScorer.Encoders;
using ThreatScorer.Tests.TestSupport;
using Xunit.Abstractions;

namespace ThreatScorer.Tests.Encoders;

/// <summary>The committed teacher (models/stance-teacher), loaded over the packaged encoder: runs on a clean clone.</summary>
public sealed class StanceTeacherTests(EncoderFixture fixture, ITestOutputHelper output) : IClassFixture<EncoderFixture>
{
    private static string TeacherDirectory =>
        Directory.GetDirectories(Path.Combine(RepoPaths.Models, StanceTeacher.TaskName)).Order(StringComparer.Ordinal).Last();

    private static StanceInput Mention(string sentence, string target) =>
        new(sentence, sentence.IndexOf(target, StringComparison.Ordinal), sentence.IndexOf(target, StringComparison.Ordinal) + target.Length);

    [Fact]
    public void Teacher_ScoresClearCases_AndRanksTheThreatBelowItsProtector()
    {
        var teacher = StanceTeacher.Load(TeacherDirectory, fixture.Encoder);
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

        // Not asserted: the teacher labels Russia itself negative here (−0.24; the headline's threat tone leaks into
        // the unmasked encoder), which is why it is not used as a scoring tier (docs/quality-experiments.md).
        Assert.True(predictions[1].PolarityScore < predictions[0].PolarityScore, "the Taliban must score below their target's protector");
        Assert.Equal(PolarityLabels.Negative, predictions[2].Label);
        Assert.NotEqual(PolarityLabels.Negative, predictions[3].Label);
    }
}
