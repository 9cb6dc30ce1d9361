namespace Simd.Demo;

// Every network of the tutorial experiments, declared once; the generator specializes each for its sizes.

// 1 and 2. Long-range memory: 8 tokens embedded in 8 dimensions, 32 hidden units, 4 answers.
[Embedding(MemoryTask.Vocabulary, 8)] internal sealed partial class MemoryEmbedding;
[RnnCell(8, 32)] internal sealed partial class MemoryRnn;
[GruCell(8, 32)] internal sealed partial class MemoryGru;
[LstmCell(8, 32)] internal sealed partial class MemoryLstm;
[Dense(32, MemoryTask.Answers)] internal sealed partial class MemoryHead;

// 3. "Dog scares Cat": five words, a 16-unit LSTM with memory and a memoryless word → next-word model.
[Embedding(5, 8)] internal sealed partial class WordEmbedding;
[LstmCell(8, 16)] internal sealed partial class WordLstm;
[Dense(16, 5)] internal sealed partial class WordLstmHead;
[Dense(8, 5)] internal sealed partial class WordBigramHead;

// 4. Sequence reversal: bidirectional encoder (2 × 32), 64-unit decoder, additive attention with 32 hidden units.
[Embedding(ReversalTask.Vocabulary, 16)] internal sealed partial class ReversalSourceEmbedding;
[Embedding(ReversalTask.Vocabulary, 16)] internal sealed partial class ReversalTargetEmbedding;
[LstmCell(16, 32, Bidirectional = true)] internal sealed partial class ReversalEncoder;
[LstmCell(16 + 64, 64)] internal sealed partial class ReversalAttentiveDecoder;
[LstmCell(16, 64)] internal sealed partial class ReversalPlainDecoder;
[AdditiveAttention(64, 64, 32)] internal sealed partial class ReversalAttention;
[Dense(64 + 64, ReversalTask.Vocabulary)] internal sealed partial class ReversalAttentiveHead;
[Dense(64, ReversalTask.Vocabulary)] internal sealed partial class ReversalPlainHead;
