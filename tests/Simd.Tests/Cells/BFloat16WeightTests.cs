using System;
using System.Linq;
using System.Runtime.Intrinsics;
using FsCheck;
using FsCheck.Fluent;
using Simd.Kernels;
using Simd.Tests.Support;
using Xunit;

namespace Simd.Tests;

/// <summary>Cells declared with <c>InferenceWeights = WeightFormat.BFloat16</c>.</summary>
public sealed class BFloat16WeightTests
{
    // Same bound as the float forward tests: once the reference uses the weights the cell really uses, what is left
    // is float rounding (unit roundoff 2⁻²⁴) and the activations' documented 1.2e-7.
    private static double Tolerance(LstmCase c) => c.ForwardTolerance(Math.Pow(2, -24), 1.2e-7);

    public static TheoryData<string> Shapes => new() { "7x13", "33x65", "3x5" };

    private static ILstmCell<float> Create(string shape) => shape switch
    {
        "7x13" => new Lstm7x13Bf16(),
        "33x65" => new Lstm33x65Bf16(),
        _ => new Lstm3x5Bf16(),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Inference_paths_equal_the_reference_on_rounded_weights_and_training_paths_use_float(string shape)
    {
        var cell = Create(shape);
        var cases = Arb.From(from steps in Gen.Choose(1, 6) from batch in Gen.Choose(1, 9) from seed in Gen.Choose(0, int.MaxValue) select (steps, batch, seed));
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(10), Prop.ForAll(cases, c =>
        {
            var problem = new LstmCase(cell.InputSize, cell.HiddenSize, c.steps, c.batch, c.seed);
            problem.Load(cell);
            int T = problem.Steps, B = problem.Batch, H = problem.H;
            var rounded = new LstmReference(problem.I, H, Effective(cell, problem, inputPart: true), Effective(cell, problem, inputPart: false), problem.BiasIh, problem.BiasHh);
            var expected = rounded.Forward(T, B, problem.Inputs, (double[])problem.Hidden0.Clone(), (double[])problem.Cell0.Clone());
            var x = LstmCase.ToFloat(problem.Inputs);
            var tolerance = Tolerance(problem);

            var h = LstmCase.ToFloat(problem.Hidden0);
            var cs = LstmCase.ToFloat(problem.Cell0);
            var stepped = new float[T * B * H];
            for (var t = 0; t < T; t++)
            {
                for (var s = 0; s < B; s++)
                {
                    cell.Step(x.AsSpan(((t * B) + s) * problem.I, problem.I), h.AsSpan(s * H, H), cs.AsSpan(s * H, H));
                }

                h.CopyTo(stepped.AsSpan(t * B * H));
            }

            LstmForwardTests.Near(expected, stepped, tolerance, "bfloat16 Step", problem);

            h = LstmCase.ToFloat(problem.Hidden0);
            cs = LstmCase.ToFloat(problem.Cell0);
            var outputs = new float[T * B * H];
            cell.Forward(T, B, x, h, cs, outputs, tape: null);
            LstmForwardTests.Near(expected, outputs, tolerance, "bfloat16 Forward", problem);

            // The taped (training) forward reads the float parameters, so it matches the unrounded reference.
            var exact = problem.Reference().Forward(T, B, problem.Inputs, (double[])problem.Hidden0.Clone(), (double[])problem.Cell0.Clone());
            h = LstmCase.ToFloat(problem.Hidden0);
            cs = LstmCase.ToFloat(problem.Cell0);
            cell.Forward(T, B, x, h, cs, outputs, cell.CreateTape(T, B));
            LstmForwardTests.Near(exact, outputs, tolerance, "float Forward with tape", problem);
        }));
    }

    [Fact]
    public void Direct_parameter_edits_reach_inference_only_after_a_refresh()
    {
        var cell = new Lstm7x13Bf16();
        cell.InitializeParameters(9);
        var input = Enumerable.Range(0, 7).Select(static i => 0.3f * i).ToArray();
        float[] Run()
        {
            var h = new float[13];
            cell.Step(input, h, new float[13]);
            return h;
        }

        var before = Run();
        cell.Parameters.Slice(0, 4 * 13 * 20).Fill(0.5f);
        Assert.Equal(before, Run());
        cell.RefreshInferenceWeights();
        Assert.NotEqual(before, Run());
    }

    [Fact]
    public void Rounding_is_to_nearest_even_and_keeps_special_values()
    {
        Assert.Equal(0x3F80, BFloat16.FromSingle(1f));
        Assert.Equal(0x3F80, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808000))); // tie, even stays
        Assert.Equal(0x3F82, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x3F818000))); // tie, odd rounds up
        Assert.Equal(0x3F81, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808001))); // above the tie
        Assert.Equal(0x7F80, BFloat16.FromSingle(float.PositiveInfinity));
        Assert.Equal(0xFF80, BFloat16.FromSingle(float.NegativeInfinity));
        Assert.Equal(0x8000, BFloat16.FromSingle(-0f));
        Assert.True(float.IsNaN(BFloat16.ToSingle(BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x7F800001)))));

        // Every width of the widening load equals the scalar conversion.
        var random = new Random(3);
        var bits = Enumerable.Range(0, 16).Select(_ => (ushort)random.Next(ushort.MaxValue + 1)).Where(static b => (b & 0x7F80) != 0x7F80).Take(16).ToArray();
        var padded = bits.Concat(new ushort[16]).ToArray();
        var expected = padded.Select(BFloat16.ToSingle).ToArray();
        ref var first = ref padded[0];
        Assert.Equal(expected[3], BFloat16.Load1(ref first, 3));
        Assert.Equal(expected.AsSpan(2, 4).ToArray(), Elements(BFloat16.Load4(ref first, 2)));
        Assert.Equal(expected.AsSpan(1, 8).ToArray(), Elements(BFloat16.Load8(ref first, 1)));
        Assert.Equal(expected.AsSpan(0, 16).ToArray(), Elements(BFloat16.Load16(ref first, 0)));
    }

    [Fact]
    public void Bfloat16_cells_allocate_nothing_after_warm_up()
    {
        var cell = new Lstm33x65Bf16();
        cell.InitializeParameters(1);
        var x = new float[5 * 33];
        var h = new float[5 * 65];
        var c = new float[5 * 65];
        for (var i = 0; i < 3; i++)
        {
            cell.StepBatch(x, h, c);
            cell.Step(x.AsSpan(0, 33), h.AsSpan(0, 65), c.AsSpan(0, 65));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            cell.StepBatch(x, h, c);
            cell.Step(x.AsSpan(0, 33), h.AsSpan(0, 65), c.AsSpan(0, 65));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The weights the bfloat16 cell really uses, each checked to be within half a bfloat16 ulp of the float weight.</summary>
    private static double[] Effective(ILstmCell<float> cell, LstmCase problem, bool inputPart)
    {
        int columns = inputPart ? problem.I : problem.H, offset = inputPart ? 0 : problem.I;
        var source = inputPart ? problem.WeightIh : problem.WeightHh;
        var result = new double[4 * problem.H * columns];
        for (var row = 0; row < 4 * problem.H; row++)
        {
            for (var k = 0; k < columns; k++)
            {
                var used = cell switch
                {
                    Lstm7x13Bf16 c => c.InferenceWeight(row, offset + k),
                    Lstm33x65Bf16 c => c.InferenceWeight(row, offset + k),
                    Lstm3x5Bf16 c => c.InferenceWeight(row, offset + k),
                    _ => throw new ArgumentException("not a bfloat16 cell", nameof(cell)),
                };
                var exact = (float)source[(row * columns) + k];

                // Half a bfloat16 ulp: at most 2⁻⁸ of the magnitude (8 significant bits) (plus the smallest normal, for values near zero).
                Assert.True(Math.Abs(used - exact) <= (Math.Abs(exact) * Math.Pow(2, -8)) + 1e-38, $"weight ({row},{offset + k}): {used} for {exact}");
                result[(row * columns) + k] = used;
            }
        }

        return result;
    }

    private static float[] Elements(Vector128<float> v) => Enumerable.Range(0, 4).Select(i => v[i]).ToArray();

    private static float[] Elements(Vector256<float> v) => Enumerable.Range(0, 8).Select(i => v[i]).ToArray();

    private static float[] Elements(Vector512<float> v) => Enumerable.Range(0, 16).Select(i => v[i]).ToArray();
}
