using System;
using Simd.Models;
using Simd.Tests.Models;
using Simd.Training;
using Xunit;

namespace Simd.Tests.Boundaries;

/// <summary>
/// A call must leave behind only what it documents. Backward documents adding dLoss/dθ of the last Forward: called
/// twice, it must add the same gradients twice, not carry the attention's memory gradients from one call to the next.
/// </summary>
public sealed class RepeatedBackwardTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_second_backward_of_one_forward_gives_the_same_gradients(bool attention)
    {
        var model = new EncoderDecoder<double>(
            new EdSourceEmbeddingD(), new EdEncoderD(), new EdTargetEmbeddingD(), attention ? new EdAttentiveDecoderD() : new EdPlainDecoderD(),
            attention ? new EdAttentionD() : null, attention ? new EdAttentiveHeadD() : new EdPlainHeadD(), 3, 3, 2);
        model.InitializeParameters(3);
        model.Forward(3, 2, 2, [1, 2, 3, 4, 5, 6], [0, 1, 2, 3], [1, 2, 3, 4]);
        var first = model.AddTo(new ParameterSet<double>());
        var second = model.AddTo(new ParameterSet<double>());

        model.Backward(first);
        model.Backward(second);

        for (var m = 0; m < first.Count; m++)
        {
            Assert.True(first.Gradients(m).SequenceEqual(second.Gradients(m)), $"the gradient of {first.Name(m)} differs on the second Backward");
        }
    }
}
