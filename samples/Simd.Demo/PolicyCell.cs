namespace Simd.Demo;

/// <summary>
/// The agents' recurrent policy core: 32 observation features in, 64 units of memory. The generator fills in the
/// whole cell (inference steps, training, PyTorch import/export) specialised for exactly these sizes.
/// </summary>
[LstmCell(32, 64)]
public sealed partial class PolicyCell;
