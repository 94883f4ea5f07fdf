import CDigittyKernels

/// Which compiled variant of the C kernels runs (`CDigittyKernels`): the fastest this processor supports,
/// found once (DigittyTraining's optimizer uses it too). Tests pass each supported set explicitly to check them
/// all against the reference loops.
package enum InstructionSet {
    package static let best: dk_instruction_set = dk_best()

    /// The sets this machine runs, portable first.
    package static var supported: [dk_instruction_set] {
        [DK_PORTABLE, DK_AVX2, DK_AVX512].filter { dk_supports($0) }
    }
}
