namespace Simd.Tests.Models;

// Double-precision encoder–decoder for the reference and gradient checks: every size is odd or otherwise not a multiple
// of any vector width (encoder 2 × 3, decoder 6, attention 5, embeddings 5 and 4, 8 classes).
[Embedding(7, 5, ElementType = typeof(double))] public sealed partial class EdSourceEmbeddingD;
[Embedding(8, 4, ElementType = typeof(double))] public sealed partial class EdTargetEmbeddingD;
[LstmCell(5, 3, Bidirectional = true, ElementType = typeof(double))] public sealed partial class EdEncoderD;
[LstmCell(4 + 6, 6, ElementType = typeof(double))] public sealed partial class EdAttentiveDecoderD;
[LstmCell(4, 6, ElementType = typeof(double))] public sealed partial class EdPlainDecoderD;
[AdditiveAttention(6, 6, 5, ElementType = typeof(double))] public sealed partial class EdAttentionD;
[Dense(6 + 6, 8, ElementType = typeof(double))] public sealed partial class EdAttentiveHeadD;
[Dense(6, 8, ElementType = typeof(double))] public sealed partial class EdPlainHeadD;

// Float model for the training and allocation tests: reversal of 5 symbols (token 0 starts the decoder).
[Embedding(6, 8)] public sealed partial class EdSourceEmbedding;
[Embedding(6, 8)] public sealed partial class EdTargetEmbedding;
[LstmCell(8, 8, Bidirectional = true)] public sealed partial class EdEncoder;
[LstmCell(8 + 16, 16)] public sealed partial class EdDecoder;
[AdditiveAttention(16, 16, 8)] public sealed partial class EdAttention;
[Dense(16 + 16, 6)] public sealed partial class EdHead;
