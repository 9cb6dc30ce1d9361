using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Simd.Generator.Tests;

/// <summary>
/// The generated methods stay small enough for the JIT to optimize whatever the shape.
/// </summary>
/// <remarks>
/// RyuJIT compiles a method with MinOpts (no inlining, no loop or register optimization, no constant folding of the
/// hardware-intrinsic checks) when it is too big: IL larger than 60,000 bytes, more than 20,000 IL instructions,
/// more than 2,000 basic blocks, more than 2,000 locals or more than 8,000 local references
/// (DEFAULT_MIN_OPTS_CODE_SIZE, _INSTR_COUNT, _BB_COUNT, _LV_NUM_COUNT, _LV_REF_COUNT in the JIT). MinOpts even
/// applies to methods marked AggressiveOptimization. A generator that unrolled by shape would cross these limits
/// for large cells and get code far slower than a plain loop, so the generator emits constant-bound loops around
/// fixed-size register tiles instead; these tests check that the text, the methods and their IL stay bounded as
/// the shape grows.
/// </remarks>
public sealed class OptimizableSizeTests
{
    /// <summary>Stated limit on the lines of any one generated method body.</summary>
    internal const int MaxMethodLines = 400;

    /// <summary>
    /// Stated limit on any generated method's IL: a third of the JIT's 60,000-byte limit, and since every IL
    /// instruction takes at least one byte, also under its 20,000-instruction limit.
    /// </summary>
    private const int MaxMethodIlBytes = 20_000;

    /// <summary>Stated limit on IL locals per method; the JIT's limit counts locals, arguments and its own temps (2,000).</summary>
    private const int MaxMethodLocals = 200;

    /// <summary>Stated limit on branch instructions per method, a bound on its basic blocks (the JIT's limit is 2,000).</summary>
    private const int MaxMethodBranches = 1_000;

    [Theory]
    [InlineData(128, 256, "float")]
    [InlineData(1000, 4096, "float")]
    [InlineData(1000, 4096, "double")]
    public void No_generated_method_body_is_longer_than_the_limit(int inputSize, int hiddenSize, string element)
    {
        var text = Generate(inputSize, hiddenSize, element);
        var tree = CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions);

        var bodies = MethodBodies(tree.GetRoot()).ToList();
        Assert.True(bodies.Count > 50, $"only {bodies.Count} method bodies found");
        var longest = bodies.OrderByDescending(static b => b.Lines).First();
        Assert.True(
            longest.Lines <= MaxMethodLines,
            $"{longest.Name} in the ({inputSize}, {hiddenSize}) {element} cell has {longest.Lines} lines; the limit is {MaxMethodLines}");
    }

    [Theory]
    [InlineData(1000, 4096)] // (128, 256) is compiled by CompileShapeTests; its methods have the same tile sizes.
    public void Compiled_methods_stay_under_the_jit_minopts_thresholds(int inputSize, int hiddenSize)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Cell(inputSize, hiddenSize));
        Assert.Empty(run.DriverDiagnostics);
        AssertCompiledMethodsWithinLimits(run, minimumMethods: 50);
    }

    [Theory]
    [InlineData("float")]
    [InlineData("double")]
    public void Generated_text_grows_sub_linearly_with_the_shape(string element)
    {
        // (1000, 4096) has 83,525,632 parameters, about 3,400 times as many as (32, 64); its text must be less than 3 times as long.
        var small = Generate(32, 64, element);
        var large = Generate(1000, 4096, element);

        Assert.True(
            large.Length < 3 * small.Length,
            $"({1000}, {4096}) {element}: {large.Length} chars vs ({32}, {64}): {small.Length} chars");
    }

    private static string Generate(int inputSize, int hiddenSize, string element)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Cell(inputSize, hiddenSize, element));
        Assert.Empty(run.DriverDiagnostics);
        return run.SingleSourceText;
    }

    internal static IEnumerable<(string Name, int Lines)> MethodBodies(SyntaxNode root)
    {
        foreach (var node in root.DescendantNodes())
        {
            var (name, body) = node switch
            {
                MethodDeclarationSyntax m => (m.Identifier.ValueText, (SyntaxNode?)m.Body ?? m.ExpressionBody),
                ConstructorDeclarationSyntax c => (c.Identifier.ValueText, (SyntaxNode?)c.Body ?? c.ExpressionBody),
                AccessorDeclarationSyntax a => (a.Keyword.ValueText, (SyntaxNode?)a.Body ?? a.ExpressionBody),
                PropertyDeclarationSyntax p => (p.Identifier.ValueText, p.ExpressionBody),
                LocalFunctionStatementSyntax l => (l.Identifier.ValueText, (SyntaxNode?)l.Body ?? l.ExpressionBody),
                _ => (string.Empty, null),
            };
            if (body is not null)
            {
                var span = body.GetLocation().GetLineSpan();
                yield return (name, span.EndLinePosition.Line - span.StartLinePosition.Line + 1);
            }
        }
    }

    /// <summary>
    /// Emits <paramref name="run"/>'s output compilation and checks every method body against the stated limits
    /// (IL bytes, locals, branches: a third or less of the JIT's MinOpts thresholds); a sanity floor on the method
    /// count makes sure the scan saw the generated code.
    /// </summary>
    internal static void AssertCompiledMethodsWithinLimits(GeneratorOutcome run, int minimumMethods)
    {
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, GeneratorHarness.Describe(emit.Diagnostics.Take(20)));
        Assert.Empty(emit.Diagnostics.Where(static d => d.Severity >= DiagnosticSeverity.Warning));

        stream.Position = 0;
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var methods = new List<(string Name, int IlBytes, int Locals, int Branches)>();
        foreach (var handle in metadata.MethodDefinitions)
        {
            var method = metadata.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            var il = body.GetILBytes() ?? Array.Empty<byte>();
            var locals = body.LocalSignature.IsNil
                ? 0
                : LocalCount(metadata.GetBlobReader(metadata.GetStandaloneSignature(body.LocalSignature).Signature));
            var name = metadata.GetString(metadata.GetTypeDefinition(method.GetDeclaringType()).Name) + "." + metadata.GetString(method.Name);
            methods.Add((name, il.Length, locals, CountBranches(il)));
        }

        Assert.True(methods.Count > minimumMethods, $"only {methods.Count} method bodies found");
        var biggest = methods.MaxBy(static m => m.IlBytes);
        Assert.True(biggest.IlBytes <= MaxMethodIlBytes, $"{biggest.Name} has {biggest.IlBytes} bytes of IL; the limit is {MaxMethodIlBytes}");
        var mostLocals = methods.MaxBy(static m => m.Locals);
        Assert.True(mostLocals.Locals <= MaxMethodLocals, $"{mostLocals.Name} has {mostLocals.Locals} locals; the limit is {MaxMethodLocals}");
        var mostBranches = methods.MaxBy(static m => m.Branches);
        Assert.True(mostBranches.Branches <= MaxMethodBranches, $"{mostBranches.Name} has {mostBranches.Branches} branches; the limit is {MaxMethodBranches}");
    }

    internal static int LocalCount(BlobReader signature)
    {
        var header = signature.ReadSignatureHeader();
        Assert.Equal(SignatureKind.LocalVariables, header.Kind);
        return signature.ReadCompressedInteger();
    }

    /// <summary>Counts branch, switch-target, return and throw instructions by decoding the IL stream.</summary>
    internal static int CountBranches(byte[] il)
    {
        var count = 0;
        for (var i = 0; i < il.Length;)
        {
            int opcode = il[i++];
            if (opcode == 0xFE)
            {
                opcode = 0xFE00 | il[i++];
            }

            var operand = OperandSize(opcode, il, i, out var branches);
            count += branches;
            i += operand;
        }

        return count;
    }

    /// <summary>Operand size of an IL opcode (ECMA-335 III), and how many control-flow edges it ends a block with.</summary>
    private static int OperandSize(int opcode, byte[] il, int at, out int branches)
    {
        branches = 0;
        switch (opcode)
        {
            case >= 0x2B and <= 0x37: // short branches
            case 0xDE: // leave.s
                branches = 1;
                return 1;
            case >= 0x38 and <= 0x44: // long branches
            case 0xDD: // leave
                branches = 1;
                return 4;
            case 0x45: // switch
                var n = BitConverter.ToInt32(il, at);
                branches = n;
                return 4 + (4 * n);
            case 0x2A or 0x7A: // ret, throw
                branches = 1;
                return 0;
            case 0x0E or 0x0F or 0x10 or 0x11 or 0x12 or 0x13 or 0x1F: // ldarg.s .. stloc.s, ldc.i4.s
                return 1;
            case 0x20 or 0x22: // ldc.i4, ldc.r4
                return 4;
            case 0x21 or 0x23: // ldc.i8, ldc.r8
                return 8;
            case >= 0x27 and <= 0x29: // jmp, call, calli
            case 0x6F or 0x70 or 0x71 or 0x72 or 0x73 or 0x74 or 0x75 or 0x79 or 0x7B or 0x7C or 0x7D or 0x7E or 0x7F or 0x80 or 0x81:
            case 0x8C or 0x8D or 0x8F or 0xA3 or 0xA4 or 0xA5 or 0xC2 or 0xC6 or 0xD0:
            case 0xFE06 or 0xFE07 or 0xFE15 or 0xFE16 or 0xFE1C:
                return 4;
            case 0xFE09 or 0xFE0A or 0xFE0B or 0xFE0C or 0xFE0D or 0xFE0E: // ldarg .. stloc (long forms)
                return 2;
            case 0xFE12: // unaligned.
            case 0xFE19: // no.
                return 1;
            default:
                return 0;
        }
    }
}
