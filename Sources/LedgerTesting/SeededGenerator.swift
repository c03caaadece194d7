public import Ledger

/// The tests' seeded random source (a failing test reproduces from its printed seed, style.md §6).
public typealias SeededGenerator = SplitMix64
