using System;
using System.Runtime.Intrinsics;
using Xunit;

namespace Simd.Tests;

/// <summary>
/// CI runs the suite once per DOTNET_Enable* switch so every vector path of the generated code is exercised. These
/// checks prove each switch really took effect in this process (a silently ignored switch, such as
/// DOTNET_EnableAVX512F on .NET 10, would otherwise leave a path untested).
/// </summary>
public sealed class IsaSwitchTests
{
    [Fact]
    public void The_requested_vector_path_is_the_one_in_effect()
    {
        static bool Off(string name) => Environment.GetEnvironmentVariable(name) == "0";

        if (Off("DOTNET_EnableHWIntrinsic"))
        {
            Assert.False(Vector128.IsHardwareAccelerated);
        }

        if (Off("DOTNET_EnableAVX2") || Off("DOTNET_EnableHWIntrinsic"))
        {
            Assert.False(Vector256.IsHardwareAccelerated);
        }

        if (Off("DOTNET_EnableAVX512") || Off("DOTNET_EnableAVX2") || Off("DOTNET_EnableHWIntrinsic"))
        {
            Assert.False(Vector512.IsHardwareAccelerated);
        }

        // Wider paths imply the narrower ones: the generated dispatch relies on it for its tail chunks.
        Assert.True(!Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated);
        Assert.True(!Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated);
    }
}
