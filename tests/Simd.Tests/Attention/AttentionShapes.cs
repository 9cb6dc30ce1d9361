namespace Simd.Tests;

// The attention shapes under test. Sizes are mostly not multiples of 4, 8 or 16, so every kernel runs its vector
// loops and its scalar tails; (1,1,1) is the degenerate shape, (64,64,64) the all-vector one; ValueSize differs from
// KeySize for some to catch a confused V/K stride.
[AdditiveAttention(5, 7, 9)] public sealed partial class AttnAdd5x7x9;
[AdditiveAttention(5, 7, 9, ElementType = typeof(double))] public sealed partial class AttnAdd5x7x9D;
[AdditiveAttention(1, 1, 1)] public sealed partial class AttnAdd1x1x1;
[AdditiveAttention(1, 1, 1, ElementType = typeof(double))] public sealed partial class AttnAdd1x1x1D;
[AdditiveAttention(13, 6, 17, ValueSize = 11)] public sealed partial class AttnAdd13x6x17v11;
[AdditiveAttention(13, 6, 17, ValueSize = 11, ElementType = typeof(double))] public sealed partial class AttnAdd13x6x17v11D;
[AdditiveAttention(64, 64, 64)] public sealed partial class AttnAdd64x64x64;

[LuongAttention(7, 7, Score = LuongScore.Dot, ValueSize = 5)] public sealed partial class AttnDot7v5;
[LuongAttention(7, 7, Score = LuongScore.Dot, ValueSize = 5, ElementType = typeof(double))] public sealed partial class AttnDot7v5D;
[LuongAttention(16, 16, Score = LuongScore.Dot)] public sealed partial class AttnDot16;
[LuongAttention(5, 11, Score = LuongScore.General)] public sealed partial class AttnGeneral5x11;
[LuongAttention(5, 11, Score = LuongScore.General, ValueSize = 3, ElementType = typeof(double))] public sealed partial class AttnGeneral5x11v3D;
[LuongAttention(6, 9, Score = LuongScore.Concat, AttentionSize = 10)] public sealed partial class AttnConcat6x9a10;
[LuongAttention(6, 9, Score = LuongScore.Concat, AttentionSize = 10, ElementType = typeof(double))] public sealed partial class AttnConcat6x9a10D;

// Multi-head: 1 to 8 heads, model sizes with head sizes 2..8 and 16, none a multiple of the vector widths except 64.
[MultiHeadAttention(5, 1)] public sealed partial class AttnMha5h1;
[MultiHeadAttention(6, 2)] public sealed partial class AttnMha6h2;
[MultiHeadAttention(9, 3)] public sealed partial class AttnMha9h3;
[MultiHeadAttention(12, 4)] public sealed partial class AttnMha12h4;
[MultiHeadAttention(10, 5)] public sealed partial class AttnMha10h5;
[MultiHeadAttention(18, 6)] public sealed partial class AttnMha18h6;
[MultiHeadAttention(14, 7)] public sealed partial class AttnMha14h7;
[MultiHeadAttention(24, 8)] public sealed partial class AttnMha24h8;
[MultiHeadAttention(64, 4)] public sealed partial class AttnMha64h4;
[MultiHeadAttention(5, 1, ElementType = typeof(double))] public sealed partial class AttnMha5h1D;
[MultiHeadAttention(9, 3, ElementType = typeof(double))] public sealed partial class AttnMha9h3D;
[MultiHeadAttention(12, 4, ElementType = typeof(double))] public sealed partial class AttnMha12h4D;
[MultiHeadAttention(10, 5, ElementType = typeof(double))] public sealed partial class AttnMha10h5D;
[MultiHeadAttention(14, 7, ElementType = typeof(double))] public sealed partial class AttnMha14h7D;
[MultiHeadAttention(24, 8, ElementType = typeof(double))] public sealed partial class AttnMha24h8D;
